package dev.squeeze.text;

import java.util.Map;

/** Registers {@link JsonCompressor} over the default lexical method ({@code --option keys=a,b} per request). */
public final class JsonCompressorFactory implements CompressorFactory {
    @Override
    public String name() { return JsonCompressor.NAME; }

    @Override
    public PromptCompressor create(Map<String, String> options) { return new JsonCompressor(new LexicalCompressor()); }
}
