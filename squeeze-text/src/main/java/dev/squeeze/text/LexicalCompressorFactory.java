package dev.squeeze.text;

import java.util.Map;

/** Registers {@link LexicalCompressor}, the default. */
public final class LexicalCompressorFactory implements CompressorFactory {
    @Override
    public String name() { return LexicalCompressor.NAME; }

    @Override
    public PromptCompressor create(Map<String, String> options) { return new LexicalCompressor(); }
}
