package dev.log2kafka.source;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        LineReader reader = new LineReader(new ByteArrayInputStream(raw), "mem", 0, 0, 10, false, 1000,
                listener(b -> { }, new ArrayList<>()));
        LineBatch batch = reader.next();
        assertEquals(2, batch.recordCount());
        assertEquals(3, batch.records()[0].bytes().length);
        assertEquals((byte) 0x80, batch.records()[1].bytes()[0]);
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
        new LineReader(trickle, "mem", 0, 0, 2, false, 1000, listener(batches::add, new ArrayList<>()))
                .forEachRemaining(b -> { });
        assertEquals(List.of("alpha", "beta", "gamma"), lines(batches));
    }

    @Test
    void aLineLongerThanTheLimitGoesToTheListenerWithItsNumberAndKeepsItsPlaceInTheCount() {
        List<String> tooLong = new ArrayList<>();
        List<LineBatch> batches = new ArrayList<>();
        new LineReader(new ByteArrayInputStream("a\nbbbbbb\nc\n".getBytes(StandardCharsets.US_ASCII)), "mem", 0, 0,
                10, false, 5, listener(b -> { }, tooLong)).forEachRemaining(batches::add);
        assertEquals(List.of("2:bbbbbb"), tooLong);
        assertEquals(List.of("a", "c"), lines(batches));
        assertEquals(3, batches.get(0).lineCount());
        assertEquals(2, batches.get(0).recordCount());
    }

    /**
     * A followed file whose writer is in the middle of a line longer than the limit: the read ends before the line,
     * knowing the bytes before it, and the read after the writer finished it hands it over once, with its number.
     */
    @Test
    void aTooLongLineStillBeingWrittenIsHeldBackWholeAndHandedOverOnceWhenItsTerminatorIsThere() {
        String start = "a\nb\n";
        String huge = "h".repeat(LineReader.BUFFER_SIZE * 2 + 5);
        List<String> tooLong = new ArrayList<>();
        List<LineBatch> batches = new ArrayList<>();
        LineReader writing = new LineReader(new ByteArrayInputStream((start + huge.substring(0, huge.length() / 2))
                .getBytes(StandardCharsets.US_ASCII)), "mem", 0, 0, 10, false, LineReader.BUFFER_SIZE,
                listener(b -> { }, tooLong)).holdingPartialLine(true);
        writing.forEachRemaining(batches::add);
        assertEquals(List.of(), tooLong);
        assertEquals(List.of("a", "b"), lines(batches));
        assertEquals(start.length(), writing.offset());
        assertEquals(start, new String(writing.lastBytes(), StandardCharsets.US_ASCII));
        assertEquals(2, writing.lines());

        batches.clear();
        String rest = huge + "\nc\n";
        new LineReader(new ByteArrayInputStream(rest.getBytes(StandardCharsets.US_ASCII)), "mem", writing.offset(),
                writing.lines(), 10, false, LineReader.BUFFER_SIZE, listener(b -> { }, tooLong))
                .holdingPartialLine(true).forEachRemaining(batches::add);
        assertEquals(List.of("3:" + huge), tooLong);
        assertEquals(List.of("c"), lines(batches));
        assertEquals(4, batches.get(batches.size() - 1).lastLine());
        assertEquals(start.length() + rest.length(), batches.get(batches.size() - 1).endOffset());
    }

    @Test
    void aLineLongerThanTheBufferAndTheLimitIsHandedOverFromDiskWithoutItsTerminator() {
        String huge = "h".repeat(LineReader.BUFFER_SIZE * 3 + 5);
        for (String terminator : List.of("\n", "\r\n", "")) {
            List<String> tooLong = new ArrayList<>();
            List<LineBatch> batches = new ArrayList<>();
            String text = "a\n" + huge + "\r" + terminator + (terminator.isEmpty() ? "" : "b\r\nc");
            new LineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)), "mem", 0, 0, 10, false,
                    LineReader.BUFFER_SIZE, listener(b -> { }, tooLong)).forEachRemaining(batches::add);
            String expectedLine = terminator.equals("\r\n") ? huge + "\r" : huge + (terminator.isEmpty() ? "\r" : "");
            assertEquals(List.of("2:" + expectedLine), tooLong, "terminator " + terminator.length());
            assertEquals(terminator.isEmpty() ? List.of("a") : List.of("a", "b", "c"), lines(batches));
            assertEquals(text.length(), batches.get(batches.size() - 1).endOffset());
        }
    }

    @Test
    void runningOutOfMemoryFailsTheReaderWithASentenceInsteadOfAnError() {
        InputStream exhausted = new InputStream() {
            @Override
            public int read() {
                throw new OutOfMemoryError("Java heap space");
            }

            @Override
            public int read(byte[] b, int off, int len) {
                throw new OutOfMemoryError("Java heap space");
            }
        };
        LineReader reader = new LineReader(exhausted, "/logs/big.log", 0, 0, 1000, false, 100,
                listener(b -> { }, new ArrayList<>()));
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                reader::hasNext);
        assertEquals("Not enough memory to read /logs/big.log in batches of 1000 lines; give log2kafka a larger heap "
                + "(LOG2KAFKA_JAVA_OPTS=-Xmx...)", e.getMessage());
    }

    @Test
    void aReaderStartedAtACheckpointNumbersLinesAndOffsetsFromThere() {
        List<LineBatch> batches = new ArrayList<>();
        new LineReader(new ByteArrayInputStream("x\ny\n".getBytes(StandardCharsets.US_ASCII)), "mem", 1000, 41, 10,
                false, 100, listener(b -> { }, new ArrayList<>())).forEachRemaining(batches::add);
        assertEquals(42, batches.get(0).firstLine());
        assertEquals(1004, batches.get(0).endOffset());
    }

    @Test
    void aStopRequestEndsTheReaderBeforeItsNextBatch() {
        boolean[] stop = {false};
        LineReader reader = new LineReader(new ByteArrayInputStream("1\n2\n3\n".getBytes(StandardCharsets.US_ASCII)),
                "mem", 0, 0, 1, false, 100, new LineReader.Listener() {
                    @Override
                    public void read(LineBatch batch) {
                    }

                    @Override
                    public void tooLong(String source, long lineNumber, long length, java.io.InputStream line) {
                    }

                    @Override
                    public boolean stopRequested() {
                        return stop[0];
                    }
                });
        assertEquals(1, reader.next().firstLine());
        stop[0] = true;
        assertFalse(reader.hasNext());
        assertTrue(reader.stopped());
    }

    @Test
    void everyBatchKnowsTheBytesJustBeforeItsEndAcrossBufferRefills() {
        String text = "a\n" + "y".repeat(LineReader.BUFFER_SIZE * 2 + 5) + "\r\nthe last line is longer than 32 bytes\nz";
        for (LineBatch batch : read(text, 1, false)) {
            int end = (int) batch.endOffset();
            assertEquals(text.substring(Math.max(0, end - LineBatch.TAIL_BYTES), end),
                    new String(batch.tail(), StandardCharsets.ISO_8859_1), batch.toString());
        }
    }

    @Test
    void liveInputThatPausesHandsOutWhatItHasAndDoesNotWaitForTheNextBatchToSayThereIsOne() throws Exception {
        PipedOutputStream writer = new PipedOutputStream();
        StandardInput input = new StandardInput(new PipedInputStream(writer), () -> false);
        LineReader reader = new LineReader(input, "-", 0, 0, 1000, false, Integer.MAX_VALUE,
                listener(batch -> { }, new ArrayList<>())).handOutAfterPause(100);
        writer.write("a\nb\npart".getBytes(StandardCharsets.ISO_8859_1));
        writer.flush();

        assertTrue(reader.hasNext());
        assertEquals(List.of("a", "b"), lines(List.of(reader.next())), "a partial line is held back");
        // the Split asks before it sends the batch it holds: the answer must not wait for more input
        assertTimeoutPreemptively(Duration.ofSeconds(1), () -> assertTrue(reader.hasNext()));

        writer.write("ial\nc\n".getBytes(StandardCharsets.ISO_8859_1));
        writer.close();
        assertEquals(List.of("partial", "c"), lines(List.of(reader.next())));
        assertFalse(reader.hasNext());
        assertFalse(reader.stopped());
    }

    @Test
    void aStopEndsAReadThatWaitsForLiveInputAndHandsOutAPartialLastLine() throws Exception {
        PipedOutputStream writer = new PipedOutputStream();
        AtomicBoolean stop = new AtomicBoolean();
        StandardInput input = new StandardInput(new PipedInputStream(writer), stop::get);
        LineReader reader = new LineReader(input, "-", 0, 0, 1000, false, Integer.MAX_VALUE,
                listener(batch -> { }, new ArrayList<>())).handOutAfterPause(100);
        writer.write("x\nunfinished".getBytes(StandardCharsets.ISO_8859_1));
        writer.flush();
        assertEquals(List.of("x"), lines(List.of(reader.next())));

        stop.set(true);
        List<String> rest = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            List<LineBatch> batches = new ArrayList<>();
            reader.forEachRemaining(batches::add);
            return lines(batches);
        });
        assertEquals(List.of("unfinished"), rest, "what was read before the stop is handed out");
        assertTrue(reader.stopped());
        writer.close();
    }

    private static LineReader.Listener listener(java.util.function.Consumer<LineBatch> read, List<String> tooLong) {
        return new LineReader.Listener() {
            @Override
            public void read(LineBatch batch) {
                read.accept(batch);
            }

            @Override
            public void tooLong(String source, long lineNumber, long length, java.io.InputStream line)
                    throws java.io.IOException {
                byte[] bytes = line.readAllBytes();
                assertEquals(length, bytes.length);
                tooLong.add(lineNumber + ":" + new String(bytes, StandardCharsets.ISO_8859_1));
            }

            @Override
            public boolean stopRequested() {
                return false;
            }
        };
    }

    private static List<LineBatch> read(String text, int batchSize, boolean skipEmpty) {
        List<LineBatch> seen = new ArrayList<>();
        List<LineBatch> batches = new ArrayList<>();
        new LineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)), "mem", 0, 0, batchSize,
                skipEmpty, Integer.MAX_VALUE, listener(seen::add, new ArrayList<>())).forEachRemaining(batches::add);
        assertEquals(batches, seen, "every batch handed out was reported as read");
        return batches;
    }

    private static List<String> lines(List<LineBatch> batches) {
        List<String> lines = new ArrayList<>();
        for (LineBatch batch : batches) {
            for (Line line : batch) {
                lines.add(new String(line.bytes(), StandardCharsets.ISO_8859_1));
            }
        }
        return lines;
    }
}
