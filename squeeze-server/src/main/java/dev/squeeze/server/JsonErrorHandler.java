package dev.squeeze.server;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty itself raises before a request reaches {@link SqueezeHandler} (malformed request line, headers
 * too large, bad framing): the same JSON shape as every other error, never HTML and never a stack trace.
 */
final class JsonErrorHandler extends ErrorHandler {
    JsonErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
    }

    @Override
    protected void generateResponse(
            Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        String type = switch (code) {
            case 400 -> "invalid_request";
            case 408 -> "timeout";
            case 413 -> "body_too_large";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            default -> code >= 500 ? "internal_error" : "http_error";
        };
        String text = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        Content.Sink.write(response, true, Json.error(type, text), callback);
    }
}
