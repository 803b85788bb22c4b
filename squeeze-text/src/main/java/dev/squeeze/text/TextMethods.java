package dev.squeeze.text;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.core.catalog.MethodProvider;
import dev.squeeze.text.extractive.ExtractiveCompressor;
import dev.squeeze.text.extractive.TcraCompressor;
import dev.squeeze.text.lingua2.LlmLingua2Compressor;
import dev.squeeze.text.lm.LlmLinguaCompressor;
import dev.squeeze.text.lm.SelectiveContextCompressor;

import java.util.List;

/** Catalog entries of squeeze-text. */
public final class TextMethods implements MethodProvider {
    @Override
    public List<MethodInfo> methods() {
        return List.of(
                MethodInfo.builder(LexicalCompressor.NAME).family(Family.TEXT).mechanism(Mechanism.QUERY)
                        .paper("LongLLMLingua: Accelerating and Enhancing LLMs in Long Context Scenarios via Prompt Compression",
                                "Jiang et al.", 2024, "https://arxiv.org/abs/2310.06839")
                        .inputs("text", "question (optional)").implementation(LexicalCompressor.class)
                        .notes("Squeeze's default: LongLLMLingua's coarse-to-fine design with lexical statistics instead of an LM, "
                                + "offline and model-free. Coarse: Okapi BM25 (k1=1.2, b=0.75) of the question against sentences/lines "
                                + "and blank-line paragraphs, unit score = bm25(unit)/max + 0.7 x bm25(paragraph)/max; without a question, "
                                + "mean token information. Units taken whole in rank order up to 70% (question) / 30% (no question) of the "
                                + "budget (dynamic per-unit ratio: top units verbatim). Fine: information = idf within the text / max idf x "
                                + "(0.5 + 0.5 x prior), prior = ln(1+cl100k id)/ln(vocab) for single-token words, 1 for multi-token words "
                                + "(BPE merge order as a frequency proxy), question words +1 x idf/max / (1 + k) at the k-th occurrence; pieces ranked by info + unit "
                                + "relevance. Exact cl100k/o200k recount: bracketed search on the priority cut until the count is at most the "
                                + "budget and at most floor(0.8% of the text) below it, then up to 8 fill tries (never above the budget "
                                + "unless forced content alone is). Not a paper's algorithm: a documented proxy.")
                        .build(),
                MethodInfo.builder(LlmLingua2Compressor.NAME).family(Family.TEXT).mechanism(Mechanism.ATTENTION)
                        .paper("LLMLingua-2: Data Distillation for Efficient and Faithful Task-Agnostic Prompt Compression",
                                "Pan et al.", 2024, "https://arxiv.org/abs/2403.12968")
                        .trainingFree(false)
                        .inputs("text", "Hugging Face folder of microsoft/llmlingua-2-* (pure-Java encoder) or an ONNX export + tokenizer.json",
                                "question (optional)")
                        .implementation(LlmLingua2Compressor.class)
                        .notes("Uses Microsoft's released fine-tuned token classifier (no training by the user). Reference "
                                + "post-processing reproduced: chunks <= 510 model tokens cut at '.'/'\\n' (window+1 quirk kept), word "
                                + "prob = mean of subword probs (or first), force tokens 1.0, digits 1.0 with --keep numbers, numpy linear "
                                + "percentile at int(100(1-rate)+1) over word probs repeated per cl100k token, keep p > thr (p==1 if thr==1), "
                                + "drop_consecutive, context-level filter ((rate+1)/2), chunks joined with '' and contexts with '\\n\\n'. "
                                + "Additions: threshold mode, question words pulled toward 1 by 0.5. Deviations: multi-piece force tokens "
                                + "matched as words (no added vocabulary tokens). model=DIR runs the downloaded Hugging Face files "
                                + "(config.json, model.safetensors, tokenizer.json) on squeeze-encoder's pure-Java encoder (mBERT or "
                                + "XLM-R, WordPiece or Unigram + Precompiled charsmap); model=FILE.onnx runs an export on ONNX Runtime. "
                                + "No microsoft/llmlingua-2 weights are bundled: the post-processing is tested on hand-computed cases, "
                                + "the ONNX path end to end on a hand-built 2-label model, the folder path against the ONNX path on "
                                + "random-weight mBERT- and XLM-R-shaped classifiers (P(keep) within 1e-5, identical output), and a "
                                + "non-classifier (all-MiniLM-L6-v2) is rejected.")
                        .build(),
                MethodInfo.builder(LlmLinguaCompressor.NAME).family(Family.TEXT).mechanism(Mechanism.ATTENTION)
                        .paper("LLMLingua: Compressing Prompts for Accelerated Inference of Large Language Models",
                                "Jiang et al.", 2023, "https://arxiv.org/abs/2310.05736")
                        .inputs("text", "causal LM (CausalLm)").implementation(LlmLinguaCompressor.class)
                        .notes("Budget controller over blank-line contexts ranked by perplexity (highest first), budget = target "
                                + "+ 100 LM tokens, original order; iterative token-level pruning in 200-token segments by loss given "
                                + "the compressed prefix, threshold = descending-sorted score at int(n x ratio) - 1, keep >. Budget "
                                + "converted from BPE to LM tokens by count ratio; separators kept; sentence-level filter and KV reuse "
                                + "not implemented. Causal LM: any squeeze-llm model through LlamaCausalLm (--option model=, tokenizer=, window=; "
                                + "windows of seq_len restarting after BOS, as Perplexity); numbers forced: digit tokens kept. Tested on "
                                + "a hand-made bigram LM and on stories260K (losses = the runtime's perplexity; highest-loss tokens kept).")
                        .build(),
                MethodInfo.builder(LlmLinguaCompressor.LONG_NAME).family(Family.TEXT).mechanism(Mechanism.QUERY)
                        .paper("LongLLMLingua: Accelerating and Enhancing LLMs in Long Context Scenarios via Prompt Compression",
                                "Jiang et al.", 2024, "https://arxiv.org/abs/2310.06839")
                        .inputs("text", "question", "causal LM (CausalLm)").implementation(LlmLinguaCompressor.class)
                        .notes("Question-aware coarse ranking by the mean loss of question + 'We can get the answer to this "
                                + "question in the given documents.' after each document (lowest first), reorder 'sort', dynamic "
                                + "ratios +0.3..-0.3 by rank, contrastive perplexity (loss without question - loss with question "
                                + "before the prefix), subsequence response recovery (recoverResponse). Same deviations as llmlingua.")
                        .build(),
                MethodInfo.builder(SelectiveContextCompressor.NAME).family(Family.TEXT).mechanism(Mechanism.ATTENTION)
                        .paper("Compressing Context to Enhance Inference Efficiency of Large Language Models",
                                "Li et al.", 2023, "https://arxiv.org/abs/2310.06201")
                        .inputs("text", "causal LM (CausalLm)").implementation(SelectiveContextCompressor.class)
                        .notes("Self-information -ln p(x_t|x_<t), unit information = sum over its tokens, units below the numpy "
                                + "linear percentile at (1-rate) x 100 dropped. Units: token, sentence, phrase; phrases are "
                                + "clause-delimited spans, not spaCy noun chunks (deviation). The percentile counts units, so the "
                                + "achieved token rate differs from the request, as in the paper.")
                        .build(),
                MethodInfo.builder(ExtractiveCompressor.NAME).family(Family.TEXT).mechanism(Mechanism.QUERY)
                        .paper("RECOMP: Improving Retrieval-Augmented LMs with Compression and Selective Augmentation",
                                "Xu et al.", 2023, "https://arxiv.org/abs/2310.04408")
                        .inputs("text", "question", "sentence scorer (default all-MiniLM-L6-v2)").implementation(ExtractiveCompressor.class)
                        .notes("Extractive sentence selection (RECOMP extractive / EXIT arXiv:2412.12559 style): sentences scored "
                                + "against the question, greedy fill of the token budget in score order, original order kept. The "
                                + "papers train their scorers; here the scorer is pluggable and defaults to off-the-shelf "
                                + "all-MiniLM-L6-v2 cosine (langchain4j in-process ONNX), so it is the method's procedure, not its model.")
                        .build(),
                MethodInfo.builder(TcraCompressor.NAME).family(Family.TEXT).mechanism(Mechanism.SIMILARITY)
                        .paper("TCRA-LLM: Token Compression Retrieval Augmented Large Language Model for Inference Cost Reduction",
                                "Liu et al.", 2023, "https://arxiv.org/abs/2310.15556")
                        .inputs("text", "sentence embedder (default all-MiniLM-L6-v2)").implementation(TcraCompressor.class)
                        .notes("Semantic compression: words dropped in increasing order of 1 - cos(e(sentence), e(sentence without "
                                + "the word)) until the exact token count fits. Deviation: leave-one-out impacts computed once per "
                                + "sentence instead of after every deletion (n+1 instead of O(n^2) embeddings).")
                        .build());
    }
}
