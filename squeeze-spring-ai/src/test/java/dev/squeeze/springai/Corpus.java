package dev.squeeze.springai;

import java.util.List;

/** A small knowledge base: one paragraph holds the answer, the others are plausible distractors. */
final class Corpus {
    static final String QUESTION = "How is drinking water supplied at the Halvard polar research station?";
    static final String ANSWER =
            "Drinking water at the Halvard station comes from a snow-melt tank heated by waste heat from the diesel generators.";

    static final List<String> DOCS = List.of(
            "The Halvard polar research station was opened in 1987 on a plateau 3,200 metres above sea level. "
                    + "It hosts up to forty scientists in summer and twelve in winter. The main building stands on "
                    + "hydraulic legs so that it can be raised as snow accumulates around it. Supplies arrive by "
                    + "tractor traverse twice a year. " + ANSWER + " Showers are limited to two minutes per person "
                    + "every second day, and grey water is filtered and reused for laundry.",
            "The Halvard station's glaciology group drills ice cores to study past climate. Their deepest core "
                    + "reached 2,100 metres and covers about 400,000 years. Samples are stored in a trench kept at "
                    + "minus fifty degrees and shipped home in refrigerated containers at the end of the season.",
            "Winter at the Halvard plateau lasts from April to September. Temperatures fall below minus seventy "
                    + "degrees, and the sun does not rise for weeks. The winter crew maintains the instruments, "
                    + "keeps the generators running and records weather observations every three hours.",
            "Medical care at remote stations relies on one physician who is also trained in dentistry and "
                    + "surgery. Telemedicine links to a hospital allow specialists to advise by video. Evacuation in "
                    + "winter is usually impossible, so every crew member undergoes strict medical screening.",
            "The astronomy programme uses the dry, stable air of the plateau. A small telescope measures the "
                    + "cosmic microwave background, and a site-testing mast records atmospheric turbulence. Data are "
                    + "sent home over a satellite link with a bandwidth of a few megabits per second.",
            "Food for the winter crew is delivered in summer and stored frozen. A hydroponic greenhouse grows "
                    + "lettuce, herbs and tomatoes under LED lights, which crews say matters for morale during the "
                    + "months of darkness. The cook plans menus a year ahead.",
            "Energy at inland stations is expensive: every litre of diesel fuel must be hauled across the ice. "
                    + "Engineers are testing wind turbines that survive extreme cold, and solar panels that work "
                    + "during the summer months when the sun never sets.",
            "Penguin colonies on the coast are counted each year from aerial photographs. The emperor penguin "
                    + "breeds during the winter, and the males incubate the eggs on their feet for about two months "
                    + "while the females feed at sea.");

    private Corpus() {}
}
