package dev.log2kafka;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class LineReaderTest {

    @Test
    void linesLoseTheirLfOrCrlfTerminatorAndNothingElse() {
        List<LineBatch> batches = read("a\r\nb\n\r\n c \r\rd\n", 10, false);
        assertEquals(List.of("a", "b", "", " c \r\rd"), lines(batches));
        assertEquals(14, batches.get(0).endOffset());
    }

    @Test
    void aLastLineWithoutNewlineIsALine() {
        assertEquals(List.of("x", "y"), lines(read("x\ny", 10, false)));
        assertEquals(List.of("x"), lines(read("x\n", 10, false)));
        assertEquals(List.of(), lines(read("", 10, false)));
        assertEquals(List.of("", ""), lines(read("\n\n", 10, false)));
    }

    @Test
    void batchesHoldBatchSizeLinesAndKnowWhereTheyAreInTheFile() {
        List<LineBatch> batches = read("1\n22\n333\n4444\n55555\n", 2, false);
        assertEquals(3, batches.size());
        assertEquals(1, batches.get(0).firstLine());
        assertEquals(3, batches.get(1).firstLine());
        assertEquals(4, batches.get(1).lastLine());
        assertEquals(9, batches.get(1).byteCount());
        assertEquals(14, batches.get(1).endOffset());
        assertEquals(20, batches.get(2).endOffset());
    }

    @Test
    void skippedEmptyLinesAreCountedButNotSent() {
        List<LineBatch> batches = read("a\n\n\nb\n", 10, true);
        assertEquals(List.of("a", "b"), lines(batches));
        assertEquals(4, batches.get(0).lineCount());
        assertEquals(2, batches.get(0).emptyLines());
    }

    @Test
    void aLineLongerThanTheBufferArrivesWhole() {
        String longLine = "y".repeat(LineReader.BUFFER_SIZE * 3 + 17);
        assertEquals(List.of("a", longLine, "b"), lines(read("a\n" + longLine + "\nb", 10, false)));
    }

    @Test
    void bytesArePassedThroughWithoutACharset() {
        byte[] raw = {(byte) 0xFF, 0, (byte) 0xC3, '\n', (byte) 0x80};
        LineReader reader = new LineReader(new ByteArrayInputStream(raw), "mem", 10, false, b -> { }, () -> false);
        LineBatch batch = reader.next();
        assertEquals(2, batch.recordCount());
        assertEquals(3, batch.records()[0].length);
        assertEquals((byte) 0x80, batch.records()[1][0]);
        assertFalse(reader.hasNext());
    }

    @Test
    void aSlowStreamThatDeliversOneByteAtATimeGivesTheSameLines() {
        byte[] raw = "alpha\r\nbeta\ngamma".getBytes(StandardCharsets.US_ASCII);
        InputStream trickle = new ByteArrayInputStream(raw) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        };
        List<LineBatch> batches = new ArrayList<>();
        new LineReader(trickle, "mem", 2, false, batches::add, () -> false).forEachRemaining(b -> { });
        assertEquals(List.of("alpha", "beta", "gamma"), lines(batches));
    }

    private static List<LineBatch> read(String text, int batchSize, boolean skipEmpty) {
        List<LineBatch> seen = new ArrayList<>();
        List<LineBatch> batches = new ArrayList<>();
        new LineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)), "mem", batchSize,
                skipEmpty, seen::add, () -> false).forEachRemaining(batches::add);
        assertEquals(batches, seen, "every batch handed out was reported as read");
        return batches;
    }

    private static List<String> lines(List<LineBatch> batches) {
        List<String> lines = new ArrayList<>();
        for (LineBatch batch : batches) {
            for (byte[] line : batch) {
                lines.add(new String(line, StandardCharsets.ISO_8859_1));
            }
        }
        return lines;
    }
}
