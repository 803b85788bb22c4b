package dev.squeeze.server;

import java.util.SplittableRandom;

/** Deterministic filler prose with one answer-bearing sentence, for compression through the server. */
final class TestTexts {
    private static final String[] SUBJECTS = {
        "The committee",
        "A small team",
        "The old harbour",
        "Our neighbour",
        "The river valley",
        "The research group",
        "A travelling merchant",
        "The city council",
        "The orchestra",
        "An engineer from the north"
    };
    private static final String[] VERBS = {
        "discussed",
        "painted",
        "repaired",
        "measured",
        "described",
        "visited",
        "questioned",
        "organised",
        "studied",
        "photographed"
    };
    private static final String[] OBJECTS = {
        "the weather of the coming season",
        "a bridge over the canal",
        "the history of the lighthouse",
        "several baskets of apples",
        "the price of timber in winter",
        "an unusual pattern of migrating birds",
        "the schedule of the evening trains",
        "the colour of the cathedral roof",
        "a collection of antique maps",
        "the rules of an ancient board game"
    };
    private static final String[] TAILS = {
        "before the festival began",
        "during a long afternoon",
        "with great patience",
        "while the market was closing",
        "after the storm had passed",
        "without telling anyone",
        "for the third time",
        "under a grey sky",
        "in the presence of visitors",
        "as the bells rang"
    };

    static final String NEEDLE = "The secret access code for the blue vault is 7421-ALPHA.";
    static final String QUESTION = "What is the secret access code for the blue vault?";

    private TestTexts() {}

    /** About {@code sentences} x 12 tokens of filler with {@link #NEEDLE} in the middle. */
    static String context(int sentences, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < sentences; i++) {
            if (i == sentences / 2) sb.append(NEEDLE).append(' ');
            sb.append(SUBJECTS[r.nextInt(SUBJECTS.length)])
                    .append(' ')
                    .append(VERBS[r.nextInt(VERBS.length)])
                    .append(' ')
                    .append(OBJECTS[r.nextInt(OBJECTS.length)])
                    .append(' ')
                    .append(TAILS[r.nextInt(TAILS.length)])
                    .append(". ");
            if (i % 8 == 7) sb.append("\n\n");
        }
        return sb.toString().trim();
    }
}
