package dev.tessera.retrieval.document;

/** Plain text and title extracted from an uploaded file. */
public record ParsedDocument(String title, String text, String mediaType) {}
