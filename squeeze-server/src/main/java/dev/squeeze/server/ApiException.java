package dev.squeeze.server;

/**
 * A request the server refuses, with the HTTP status and the error {@code type} the client sees as
 * {@code {"error":{"type":...,"message":...}}}. The message is written for the client: it names the field or
 * limit that was wrong and never carries a stack trace.
 */
final class ApiException extends RuntimeException {
    private final int status;
    private final String type;

    public ApiException(int status, String type, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, "invalid_request", message);
    }
}
