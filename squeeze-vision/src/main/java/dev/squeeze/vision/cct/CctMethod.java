package dev.squeeze.vision.cct;

import dev.squeeze.vision.model.Reducer;

/**
 * A vision method wired into the CCT: given the number of visual tokens to keep (of the 256 the tokenizer
 * makes), it supplies the {@link Reducer} that calls the method at the hook points its paper names. Made by
 * {@link CctMethods} from the model-independent declarations; stateless, while the reducer it returns may carry
 * per-image state and is used for one image.
 */
public interface CctMethod {

    /** Catalog / benchmark name. */
    String name();

    /** A reducer for one image that leaves {@code keep} tokens (1 <= keep <= 256) at the model's head. */
    Reducer reducer(int keep);

    /** The earliest block whose hooks this method uses (0 = from the tokenizer on); lets a caller reuse an unreduced prefix. */
    default int firstHookLayer() {
        return 0;
    }

    /**
     * Where "after the vision encoder" is in the CCT: blocks [0, 3) play the vision encoder and block 3
     * the language model, so encoder-output reducers act before block 3, with the attention of blocks 0, 1 and 2
     * available (block 2 = the penultimate-layer features LLaVA feeds its LLM, block 1 = a middle layer).
     */
    int LLM_START = 3;
}
