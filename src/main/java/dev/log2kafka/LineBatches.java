package dev.log2kafka;

import java.io.IOException;
import java.nio.file.Files;

import org.apache.camel.component.file.GenericFile;

/**
 * The bean the shipping route splits with: `method: lineBatches, batches(${body}, {{log2kafka.batch-size}})` turns
 * the file consumer's body into a stream of {@link LineBatch}es.
 */
public final class LineBatches {

    private final ShippingProgress progress;
    private final boolean skipEmptyLines;

    public LineBatches(ShippingProgress progress, boolean skipEmptyLines) {
        this.progress = progress;
        this.skipEmptyLines = skipEmptyLines;
    }

    public LineReader batches(GenericFile<?> file, int batchSize) throws IOException {
        String path = file.getAbsoluteFilePath();
        return new LineReader(Files.newInputStream(java.nio.file.Path.of(path)), path, batchSize, skipEmptyLines,
                progress::read);
    }

    /** Called after the kafka endpoint: every record of the batch was acknowledged. */
    public void acknowledged(LineBatch batch) {
        progress.acknowledged(batch);
    }
}
