package dev.squeeze.core.catalog;

/**
 * The publication a method implements.
 *
 * @param title   title as published
 * @param authors first author "et al." is enough
 * @param year    year of the version implemented
 * @param url     arXiv or venue address
 */
public record Paper(String title, String authors, int year, String url) {
    public Paper {
        if (title == null || title.isBlank()) throw new IllegalArgumentException("paper title must not be blank");
        if (url == null || url.isBlank())
            throw new IllegalArgumentException("paper url must not be blank for '" + title + "'");
    }
}
