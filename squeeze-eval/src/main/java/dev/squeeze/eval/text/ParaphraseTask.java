package dev.squeeze.eval.text;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Paraphrased needles in a haystack: a sentence that holds the answer, inserted into Paul Graham essays cut to
 * 1k / 4k / 16k / 32k cl100k tokens, and a question that shares no content word with it. "Content word": a lower-cased
 * alphanumeric run that is not an English stop word (the NLTK list), compared after Porter stemming; {@link #check}
 * refuses a needle that breaks the rule or whose answer is not in its sentence. Placement is deterministic: needle i
 * in haystack length j goes at depth ((7 i + 3 j) mod 10) / 9, at the next sentence boundary. Retained = the answer
 * span survives compression verbatim. The needles are this project's own writing (48 of them, plus 24 in
 * {@link #CHECK_NEEDLES}), varied in question type, answer type and sentence shape; a held-out set written by someone
 * else is kept elsewhere.
 */
public final class ParaphraseTask {
    /** One needle: the sentence, a question that paraphrases it, and the answer span inside the sentence. */
    public record Needle(String sentence, String question, String answer) {}

    /** The NLTK English stop-word list (179 entries). */
    static final Set<String> STOP_WORDS = Set.of(
            "i",
            "me",
            "my",
            "myself",
            "we",
            "our",
            "ours",
            "ourselves",
            "you",
            "your",
            "yours",
            "yourself",
            "yourselves",
            "he",
            "him",
            "his",
            "himself",
            "she",
            "her",
            "hers",
            "herself",
            "it",
            "its",
            "itself",
            "they",
            "them",
            "their",
            "theirs",
            "themselves",
            "what",
            "which",
            "who",
            "whom",
            "this",
            "that",
            "these",
            "those",
            "am",
            "is",
            "are",
            "was",
            "were",
            "be",
            "been",
            "being",
            "have",
            "has",
            "had",
            "having",
            "do",
            "does",
            "did",
            "doing",
            "a",
            "an",
            "the",
            "and",
            "but",
            "if",
            "or",
            "because",
            "as",
            "until",
            "while",
            "of",
            "at",
            "by",
            "for",
            "with",
            "about",
            "against",
            "between",
            "into",
            "through",
            "during",
            "before",
            "after",
            "above",
            "below",
            "to",
            "from",
            "up",
            "down",
            "in",
            "out",
            "on",
            "off",
            "over",
            "under",
            "again",
            "further",
            "then",
            "once",
            "here",
            "there",
            "when",
            "where",
            "why",
            "how",
            "all",
            "any",
            "both",
            "each",
            "few",
            "more",
            "most",
            "other",
            "some",
            "such",
            "no",
            "nor",
            "not",
            "only",
            "own",
            "same",
            "so",
            "than",
            "too",
            "very",
            "s",
            "t",
            "can",
            "will",
            "just",
            "don",
            "should",
            "now",
            "d",
            "ll",
            "m",
            "o",
            "re",
            "ve",
            "y",
            "ain",
            "aren",
            "couldn",
            "didn",
            "doesn",
            "hadn",
            "hasn",
            "haven",
            "isn",
            "ma",
            "mightn",
            "mustn",
            "needn",
            "shan",
            "shouldn",
            "wasn",
            "weren",
            "won",
            "wouldn");

    public static final List<Needle> NEEDLES = List.of(
            new Needle(
                    "The bell mechanism was repaired by a retired watchmaker, Edda Lunde.",
                    "Who got the old clock in the square working again?",
                    "Edda Lunde"),
            new Needle(
                    "Our ferry crossings were cancelled for eleven days after the storm tore away the pier at Kessholm.",
                    "How long could nobody take the boat to the island?",
                    "eleven days"),
            new Needle(
                    "Marta Okonjo paid for the new hospital wing with the money she made selling spice blends.",
                    "Which donor funded the clinic extension?",
                    "Marta Okonjo"),
            new Needle(
                    "The vineyard at Castel Bruno produces barely four hundred bottles each autumn.",
                    "What is the yearly wine output of that estate?",
                    "four hundred bottles"),
            new Needle(
                    "Her grandfather trained carrier pigeons in a loft above the bakery on Vell Street.",
                    "Where did the old man keep the messenger birds?",
                    "Vell Street"),
            new Needle(
                    "The expedition's only casualty was a mule named Pepper, lost to a rockslide near the second camp.",
                    "Which animal died on the mountain journey?",
                    "Pepper"),
            new Needle(
                    "Construction of the observatory dome took until 1931 because the copper shipment sank off Lisbon.",
                    "When was the telescope building finally finished?",
                    "1931"),
            new Needle(
                    "Tomas Reyes holds the record, having eaten thirty-one dumplings in ten minutes.",
                    "Who managed to swallow the most pastries?",
                    "Tomas Reyes"),
            new Needle(
                    "The orchestra's principal cellist, Ingrid Falk, learned to play on an instrument carved from pear wood.",
                    "From which tree did the lead player's childhood cello come?",
                    "pear wood"),
            new Needle(
                    "Rent in the old mill district doubled in two years once the tram line opened.",
                    "What happened to housing costs near the factory quarter after the streetcar started running?",
                    "doubled"),
            new Needle(
                    "A beekeeper named Solveig Arnesen discovered the rare orchid behind the chapel.",
                    "Who first found the unusual flower growing near the church?",
                    "Solveig Arnesen"),
            new Needle(
                    "The lighthouse keeper logged 214 shipwrecks over his forty years on the cape.",
                    "How many vessels ran aground during that guardian's career?",
                    "214"),
            new Needle(
                    "Production of the violet dye stopped when the last snail beds near Tyre were exhausted.",
                    "Why did they quit making that purple colouring?",
                    "snail beds"),
            new Needle(
                    "The town council voted seven to two to rename the harbour after the fisherman Abel Stroud.",
                    "Whose name did the port receive?",
                    "Abel Stroud"),
            new Needle(
                    "Snow closed the mountain pass at Varn for the whole of February.",
                    "During which month was the alpine route blocked?",
                    "February"),
            new Needle(
                    "Professor Ilse Moreau proved the conjecture using nothing but a chalkboard and a borrowed coffee mug.",
                    "Which scholar settled the famous mathematical puzzle?",
                    "Ilse Moreau"),
            new Needle(
                    "The caravan carried salt across the desert in exchange for gold dust from the southern kingdoms.",
                    "What did the traders haul over the dunes?",
                    "salt"),
            new Needle(
                    "Only the youngest apprentice, a boy called Niko Haas, survived the fire at the glassworks.",
                    "Which worker lived through the blaze at the factory?",
                    "Niko Haas"),
            new Needle(
                    "We measured the lake's depth at 312 metres using a weighted rope and a lot of patience.",
                    "How far down does that body of water go?",
                    "312 metres"),
            new Needle(
                    "The recipe survived because a cook named Lucia Ferri copied it onto the back of a train ticket.",
                    "Who preserved the instructions for the dish?",
                    "Lucia Ferri"),
            new Needle(
                    "Most of the library's maps were sold in 1887 to pay the roofers.",
                    "In which year did the archive part with its charts?",
                    "1887"),
            new Needle(
                    "The cheapest seats at the old opera house cost a single copper coin, so dockworkers filled the gallery every night.",
                    "How much did a ticket to a performance there used to be?",
                    "a single copper coin"),
            new Needle(
                    "Dr. Halvorsen's vaccine trial enrolled nine thousand volunteers across four provinces.",
                    "How many people took part in the immunization study?",
                    "nine thousand"),
            new Needle(
                    "The treaty was signed aboard a barge moored in the middle of the river so that neither king set foot on foreign soil.",
                    "Where did the rulers agree to the peace?",
                    "aboard a barge"),
            new Needle(
                    "Ravi Menon built the first prototype from bicycle parts in his parents' garage.",
                    "Who assembled the earliest working model?",
                    "Ravi Menon"),
            new Needle(
                    "The frost destroyed nearly all of the cherry harvest, leaving just nine crates for market.",
                    "How much fruit was left to sell after the cold snap?",
                    "nine crates"),
            new Needle(
                    "Her first novel was rejected by fourteen publishers before a small press in Dundee took a chance on it.",
                    "How many houses turned down the debut book?",
                    "fourteen"),
            new Needle(
                    "The cathedral's organ has 9,000 pipes, the tallest of them nearly twelve metres high.",
                    "What is the number of tubes in the church instrument?",
                    "9,000"),
            new Needle(
                    "A shepherd called Yusuf Aydin guided the lost soldiers down through the fog.",
                    "Who led the stranded troops to safety?",
                    "Yusuf Aydin"),
            new Needle(
                    "The museum bought the painting for 40,000 francs, a sum the newspapers called outrageous.",
                    "What price did the gallery pay for the artwork?",
                    "40,000 francs"),
            new Needle(
                    "Our team's satellite burned up over the Pacific after only six weeks in orbit.",
                    "How long did the spacecraft last before it fell?",
                    "six weeks"),
            new Needle(
                    "The stone bridge at Marrow Ford was the work of masons brought in from Genoa.",
                    "Where did the builders of that river crossing come from?",
                    "Genoa"),
            new Needle(
                    "The annual regatta was won for the third straight time by a crew from Saint-Malo.",
                    "Which town's rowers keep taking the yearly boat race?",
                    "Saint-Malo"),
            new Needle(
                    "Leaking pipes beneath the gymnasium went unnoticed until the floorboards began to sprout mushrooms.",
                    "What finally revealed the plumbing problem under the sports hall?",
                    "mushrooms"),
            new Needle(
                    "The inventor, Beatrix Kell, sold the patent for her folding umbrella to a Belgian firm.",
                    "Who came up with the collapsible rain shade?",
                    "Beatrix Kell"),
            new Needle(
                    "After the drought, the village dug a new well forty metres deep beside the mosque.",
                    "How far did the townspeople have to bore to reach groundwater?",
                    "forty metres"),
            new Needle(
                    "The chess club's oldest member, Mr. Anand Pillai, still plays every Thursday at ninety-three.",
                    "Which senior regular keeps coming to the board game evenings?",
                    "Anand Pillai"),
            new Needle(
                    "The coastal railway was abandoned in 1962 after landslides buried the tracks twice in one winter.",
                    "When did the seaside line stop carrying passengers?",
                    "1962"),
            new Needle(
                    "Quartermaster Olsen rationed the remaining biscuits at two per sailor per day.",
                    "How much food did each crewman get daily?",
                    "two per sailor"),
            new Needle(
                    "The choir recorded its only album inside a disused salt mine because of the echo.",
                    "Where did the singers capture their sole release?",
                    "salt mine"),
            new Needle(
                    "Greta Lindqvist translated the epic from Old Norse in a single winter, working by candlelight.",
                    "Who rendered the saga into modern language?",
                    "Greta Lindqvist"),
            new Needle(
                    "The zoo's elderly tortoise, Bartholomew, is believed to be at least 150 years old.",
                    "What age is the reptile thought to have reached?",
                    "150 years"),
            new Needle(
                    "A customs officer in Trieste noticed that the crates of olive oil weighed far too little.",
                    "Who spotted that the shipment of cooking fat was suspiciously light?",
                    "customs officer"),
            new Needle(
                    "The marathon route was shortened by three kilometres after the river flooded the eastern loop.",
                    "How much distance was cut from the long-distance running course?",
                    "three kilometres"),
            new Needle(
                    "The printing press in the monastery cellar produced pamphlets for the resistance until 1944.",
                    "Up to what year did the monks' basement publish leaflets for the underground?",
                    "1944"),
            new Needle(
                    "Sailors believed the green flash at sunset would bring a fair wind for the crossing.",
                    "What omen did mariners watch for when the sun went down?",
                    "green flash"),
            new Needle(
                    "Her bakery sells roughly eight hundred loaves on a normal Saturday.",
                    "How much bread does the shop move at the weekend?",
                    "eight hundred loaves"),
            new Needle(
                    "The cartographer Hamid Qasemi charted the reef using a rowboat and a knotted line.",
                    "Who mapped the coral shallows?",
                    "Hamid Qasemi"));

    /**
     * 24 more needles of this project's own writing, in other wording patterns (imperative and "according to"
     * questions, answers that are causes, places, phrases, percentages): the semantic method's constants were chosen on
     * the first 24 of {@link #NEEDLES} (and NQ-open); these and the last 24 of {@link #NEEDLES} only checked them.
     */
    public static final List<Needle> CHECK_NEEDLES = List.of(
            new Needle(
                    "Nobody in the valley could explain why the river ran red every spring until a chemist traced it to iron-rich clay upstream.",
                    "What turned the stream's water that colour each year?",
                    "iron-rich clay"),
            new Needle(
                    "In 1887 the schoolhouse burned down, and lessons moved into the back room of a tavern for the next three years.",
                    "Where were pupils taught after the fire destroyed their classroom?",
                    "back room of a tavern"),
            new Needle(
                    "Only after the eighth attempt did the climbers reach the summit of Mount Tervaal.",
                    "How many tries did it take the alpinists to get to the peak?",
                    "eighth attempt"),
            new Needle(
                    "Dr. Wen's vaccine trial enrolled 3,400 volunteers across six provinces.",
                    "How many people took part in the immunisation study?",
                    "3,400 volunteers"),
            new Needle(
                    "Because the harbour froze solid, supplies reached the outpost by dog sled that winter.",
                    "How were provisions delivered to the remote station during the cold months?",
                    "dog sled"),
            new Needle(
                    "The treaty was signed not in the capital but in a railway carriage parked outside Velmar.",
                    "Where did the diplomats put their names to the peace agreement?",
                    "railway carriage"),
            new Needle(
                    "A single typo in the contract cost the shipping company nearly two million dollars.",
                    "How much money did the misprint in the legal paperwork lose the freight firm?",
                    "two million dollars"),
            new Needle(
                    "The library's oldest manuscript, a herbal from 1120, is kept in a nitrogen-filled case.",
                    "In what year was the most ancient handwritten book of the collection made?",
                    "1120"),
            new Needle(
                    "Farmers switched from wheat to lavender when the rains failed three seasons running.",
                    "Which crop did growers adopt after the repeated droughts?",
                    "lavender"),
            new Needle(
                    "It was the cook, not the captain, who first noticed the iceberg.",
                    "Which crew member spotted the floating ice before anyone else?",
                    "the cook"),
            new Needle(
                    "Her research showed that the sparrows learned new songs from recordings played at dawn.",
                    "How did the small birds pick up unfamiliar tunes?",
                    "recordings played at dawn"),
            new Needle(
                    "The tunnel under the strait will be 38 kilometres long when it opens.",
                    "What length is the planned undersea passage?",
                    "38 kilometres"),
            new Needle(
                    "After losing the election, Mayor Dunmore retired to breed goats in the hills.",
                    "What did the ousted town leader take up once he left office?",
                    "breed goats"),
            new Needle(
                    "The company's founder, Ilse Brandt, wrote every product manual herself until 1975.",
                    "Who personally authored all the instruction booklets?",
                    "Ilse Brandt"),
            new Needle(
                    "Tickets for the final concert sold out in under four minutes.",
                    "How quickly were all seats for the last performance gone?",
                    "under four minutes"),
            new Needle(
                    "The glacier has retreated 600 metres since the hut was built.",
                    "How far has the ice sheet pulled back?",
                    "600 metres"),
            new Needle(
                    "Local legend says the well was poisoned by a jealous miller named Corvin.",
                    "According to folklore, who contaminated the water source?",
                    "Corvin"),
            new Needle(
                    "Engineers replaced the wooden piles with steel after shipworms ate through them.",
                    "What creatures destroyed the timber supports?",
                    "shipworms"),
            new Needle(
                    "The festival moved to October to avoid the monsoon.",
                    "In which month is the celebration now held?",
                    "October"),
            new Needle(
                    "Twelve of the forty apprentices went on to open workshops of their own.",
                    "How many trainees later started their own businesses?",
                    "Twelve"),
            new Needle(
                    "To settle the dispute, the judge ordered the fence moved two metres to the west.",
                    "How did the court resolve the neighbours' boundary quarrel?",
                    "fence moved two metres"),
            new Needle(
                    "The only surviving copy of the score was found wrapped around a fish at the Bergen market.",
                    "Describe how the lost music was rediscovered.",
                    "wrapped around a fish"),
            new Needle(
                    "Pilots nicknamed the runway 'the ski jump' because it ended at a cliff.",
                    "What did aviators call the landing strip?",
                    "the ski jump"),
            new Needle(
                    "Sixty percent of the island's electricity now comes from the tides.",
                    "What share of the isle's power is generated by the sea's rise and fall?",
                    "Sixty percent"));

    public static final int[] LENGTHS = {1000, 4000, 16000, 32000};

    private ParaphraseTask() {}

    /** Stemmed content words: lower-cased alphanumeric runs, stop words removed, Porter-stemmed. */
    public static Set<String> contentStems(String text) {
        Set<String> out = new LinkedHashSet<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (w.isEmpty() || STOP_WORDS.contains(w)) continue;
            out.add(PorterStemmer.stem(w));
        }
        return out;
    }

    /** Refuses a needle whose question shares a content word with its sentence, or whose answer is not in it. */
    public static Needle check(Needle n) {
        if (!n.sentence().contains(n.answer())) {
            throw new IllegalArgumentException(
                    "paraphrase needle: answer '" + n.answer() + "' is not in its sentence: " + n.sentence());
        }
        Set<String> shared = new LinkedHashSet<>(contentStems(n.question()));
        shared.retainAll(contentStems(n.sentence()));
        if (!shared.isEmpty()) {
            throw new IllegalArgumentException("paraphrase needle shares content words " + shared
                    + " with its question: '" + n.sentence() + "' / '" + n.question() + "'");
        }
        return n;
    }

    /** Every needle at every length (needles checked first); {@code perLength} caps the needles used per length. */
    public static List<TextTasks.Example> examples(Path data, List<Needle> needles, int[] lengths, int perLength)
            throws IOException {
        for (Needle n : needles) check(n);
        List<String> bases = TextTasks.haystacks(data, lengths);
        List<TextTasks.Example> out = new ArrayList<>();
        for (int j = 0; j < lengths.length; j++) {
            for (int i = 0; i < Math.min(perLength, needles.size()); i++) {
                Needle n = needles.get(i);
                double depth = ((7 * i + 3 * j) % 10) / 9.0;
                out.add(new TextTasks.Example(
                        TextTasks.insertAt(bases.get(j), depth, n.sentence()),
                        n.question(),
                        List.of(n.answer()),
                        false));
            }
        }
        return out;
    }
}
