package dev.log2kafka.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import dev.log2kafka.progress.RunCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follow mode (bean `follow`): every file the pattern matches, shipped as it grows, across rotations. Each tick of the
 * follow route waits in {@link #awaitChange} until the kernel tells that a file changed ({@link FileEvents}) or a look
 * is due without it, then asks {@link #filesToRead} which files have bytes to ship; `shipping.follow` reads each from
 * where it was read to, and the route reports back with {@link #readTo} (or {@link #failed}). A file the kernel tells
 * was created is opened at once, while the route may still ship ({@link #hold}), so that one deleted again before the
 * next look is still read.
 * <p>
 * A file is followed by its handle, not its name: renamed by a rotation it is followed under its new name, and once
 * it no longer matches the pattern (renamed away, deleted) it is still read to its end through the open handle, and
 * let go after it has been quiet for `log2kafka.close-inactive` seconds. A file truncated under the reader
 * (copytruncate) is read again from its start. A file that starts with the same {@value FileInput#IDENTITY_BYTES}
 * bytes as a followed one is a copy of it (copytruncate's copy, a compressed rotation): it is not read while the
 * original is followed, and takes over from where the original was read when that one is truncated or let go, so
 * its lines are shipped once. A new file shorter than that whose bytes so far are the start of a followed file cannot
 * be told apart from a copy yet: it waits until it has grown apart (or to a full identity). Compressed files are
 * complete files: read once, to their end, then let go.
 * <p>
 * Files next to the followed ones that the pattern does not match (a pattern of the live name only) are looked at by
 * their content twice: when a followed file is truncated, for its copy; and at the start, for a file with a checkpoint
 * and lines after it (rotated while no run followed it). Such a file is read to its end like one rotated away.
 */
public final class Follower {

    private static final Logger LOG = LoggerFactory.getLogger(Follower.class);
    /** A compressed file must be this quiet before it is read: logrotate may still be writing it. */
    private static final long GZIP_QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** While the pattern matches no file, it is said this often. */
    private static final long NOTHING_MATCHES_NANOS = TimeUnit.MINUTES.toNanos(5);

    private final FilePattern pattern;
    private final RunCounters progress;
    private final State state;
    private final Map<Object, FollowedFile> followed = new LinkedHashMap<>();
    /** Compressed files read to their end: their key and size then, not to be read again while unchanged. */
    private final Map<Object, Long> finished = new HashMap<>();
    /**
     * The followed files as of the end of the last look, for the stall watch and the metrics: read without the lock,
     * so that they see a look that hangs instead of waiting for it.
     */
    private volatile List<FollowedFile> lastLooked = List.of();
    private Runnable afterListing = () -> { };
    /** The kernel's word that a followed file changed; from the first look on. */
    private volatile FileEvents events;
    /**
     * Files the kernel told were created, held open at once (the events thread does it, while the follow route ships)
     * until the next look follows them: one deleted again before that look is still read through its handle.
     */
    private final Map<Object, Held> held = new HashMap<>();
    /** Names whose changes are worth a look: those of the followed files, and the live names' rotations. */
    private volatile Set<Path> followedPaths = Set.of();
    private volatile Set<String> liveNames = Set.of();
    /** Whether the next look comes at once: the last one read lines (more may have come), or none came yet. */
    private volatile boolean lookAtOnce = true;
    /** Whether a file's read failed in the last tick: the next look waits the whole interval, events or not. */
    private volatile boolean failedLastTick;
    /** Whether the kernel tells of every change in the directories of the pattern's files (see awaitChange). */
    private volatile boolean allTold;
    /** Whether every followed file is one whose changes events tell (see awaitChange). */
    private volatile boolean settled;
    /** When it was last said that the pattern matches no file; 0 while files match. */
    private long nothingMatchedSaidNanos;

    /**
     * @param state what the checkpoints say of the files, and what they are told
     */
    public Follower(FilePattern pattern, RunCounters progress, State state) {
        this.pattern = pattern;
        this.progress = progress;
        this.state = state;
    }

    /** Runs between a look's listing of the files and its opening of them; a test puts a rotation there. */
    void afterListing(Runnable run) {
        afterListing = run;
    }

    /** The checkpoints of the followed files. */
    public interface State {

        /** Reading the file failed: its checkpoint stays where the acknowledgements ended. */
        void failed(String source);

        /** Whether a file has a checkpoint (it was followed before) and holds lines after it. */
        boolean unshippedAfter(FileChannel channel) throws IOException;

        /** Whether a file holds lines of a checkpoint: some of its lines were shipped. */
        boolean shippedBefore(FileChannel channel) throws IOException;

        /** When the last run that shipped a line stopped, about (its last checkpoint), in epoch millis; -1 if none. */
        long lastRunMillis() throws IOException;

        /** The file was read to its end and let go. */
        void ended(FollowedFile file);

        /**
         * At start: says which files the last run was following when it stopped are in none of the files in
         * {@code directory} (deleted or moved elsewhere while no run followed them), with what was not shipped.
         *
         * @param followed the files followed from now on
         */
        void sayWhichAreGone(Path directory, List<FileChannel> followed) throws IOException;
    }

    /**
     * Holds the follow route's next look until a followed file (or a file that may become one) changes, as the kernel
     * tells ({@link FileEvents}), or until the look that finds what the kernel cannot tell is due:
     * <ul>
     * <li>after {@code followIntervalMillis} while a followed file is not settled (renamed out of the pattern or deleted,
     * and read through its handle; a last line waiting for its newline; a copy or compressed file not read yet), or
     * where changes are not all told (a network file system, a directory that cannot be watched, a pattern that goes
     * below its directory, whose new directories are not watched until a look finds them);</li>
     * <li>after {@code rescanMillis} otherwise: a look that events made needless, for what they may have missed.</li>
     * </ul>
     * No wait after a look that read lines (more may have come meanwhile); the whole follow interval after one whose
     * read failed, so that a file that cannot be read is not tried again at every line its writer adds.
     */
    public void awaitChange(long followIntervalMillis, long rescanMillis) throws InterruptedException {
        if (failedLastTick) {
            failedLastTick = false;
            lookAtOnce = false;
            TimeUnit.MILLISECONDS.sleep(followIntervalMillis);
        } else if (lookAtOnce || events == null) {
            lookAtOnce = false;
        } else {
            events.await(allTold && settled ? rescanMillis : followIntervalMillis);
        }
    }

    /** How many files are held since they were created, not followed yet. */
    synchronized int heldFiles() {
        return held.size();
    }

    /** A file created, held open until the next look. */
    private record Held(Path path, FileChannel channel) {
    }

    /**
     * The kernel told that this file was created: if the pattern matches it and it is not followed, it is opened now
     * and held for the next look, which follows it. A program that deletes its log and creates it again, twice within
     * one tick of a busy follower, loses no line that way.
     */
    synchronized void hold(Path path) {
        try {
            if (!pattern.matches(path)) {
                return;
            }
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            Object key = attributes.fileKey();
            if (!attributes.isRegularFile() || key == null || followed.containsKey(key) || held.containsKey(key)) {
                return;
            }
            FileChannel channel = openIfStill(path, key);
            if (channel != null) {
                held.put(key, new Held(path, channel));
            }
        } catch (IOException e) {
            // gone again already: there is nothing to hold
        }
    }

    /** The run stops: a wait for a change ends now, and the next ones at once. */
    public void stopWaiting() {
        FileEvents waiting = events;
        if (waiting != null) {
            waiting.close();
        }
    }

    /**
     * Whether a change of this file may be one to ship: it matches, is followed, is named as a rotation of a followed
     * file, or is a directory where a pattern that goes below its directory may match files.
     */
    boolean worthALook(Path path) {
        return followedPaths.contains(path) || isRotationOf(liveNames, path) || pattern.matches(path)
                || pattern.recursive() && Files.isDirectory(path);
    }

    /** What the look just done found: for the stall watch, the metrics and what events are worth a look. */
    private void looked() {
        lastLooked = List.copyOf(followed.values());
        Set<Path> paths = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (FollowedFile file : lastLooked) {
            paths.add(file.path());
            if (file.matching()) {
                names.add(file.path().getFileName().toString());
            }
        }
        followedPaths = paths;
        liveNames = names;
        settled = lastLooked.stream().allMatch(file -> file.matching() && file.copyOf() == null
                && file.offset() >= 0 && file.readSize() >= 0 && file.offset() == file.readSize());
    }

    /**
     * The followed files with bytes to ship now, each knowing up to where ({@link FollowedFile#size()}).
     *
     * @param partialLineWaitMillis how long a last line without its newline waits for it before it is sent as is
     * @param closeInactiveSeconds  how long a file that no longer matches must be quiet before it is let go
     */
    public synchronized List<FollowedFile> filesToRead(long partialLineWaitMillis, long closeInactiveSeconds)
            throws IOException {
        long now = System.nanoTime();
        Set<Object> seen = lookForFiles();
        sayIfNothingMatches(seen, now);

        List<FollowedFile> toRead = new ArrayList<>();
        List<FollowedFile> letGo = new ArrayList<>();
        List<FollowedFile> adopted = new ArrayList<>();
        for (FollowedFile file : followed.values()) {
            long size = file.look(now);
            if (file.gzip()) {
                if (file.readSize() >= 0) {
                    letGo.add(file);
                } else if (file.copyOf() == null && file.quietNanos(now) >= GZIP_QUIET_NANOS) {
                    toRead.add(file);
                }
                continue;
            }
            // also before its first read: a file held from the start may be truncated before the first tick. A file
            // that no longer starts with the bytes it was known by was truncated too, even if it was written past
            // where it was read before this look (a short one is known by fewer bytes, and is compared on those)
            if (file.offset() >= 0 && size < file.offset()
                    || size > file.readSize() && file.head().length() > 0
                    && !startsAlike(file.head(), FileInput.head(file.channel()), file.channel())) {
                LOG.atWarn().addKeyValue("file", file.path())
                        .log("{} is shorter than what was read of it, or starts with other bytes (truncated, as"
                        + " copytruncate does); reading it from its start", file.path());
                // copytruncate's copy, under a name the pattern does not match: it has the lines written between
                // the last read and the truncation
                List<FollowedFile> copies = notFollowed(seen, false, other -> startsAlike(file.head(), other.head(),
                        other.channel()));
                copies.forEach(copy -> copy.copyOf(file));
                adopted.addAll(copies);
                List<FollowedFile> candidates = new ArrayList<>(copies);
                candidates.addAll(followed.values());
                handOver(file, candidates);
                file.restart(FileInput.head(file.channel()));
            } else if (file.head().length() < FileInput.IDENTITY_BYTES && size > file.head().length()) {
                // a short file grew: it is known by more of its first bytes now
                file.head(FileInput.head(file.channel()));
            }
            if (file.copyOf() != null) {
                FollowedFile original = file.copyOf();
                // the original is gone from the pattern (renamed away, deleted, replaced) with every line shipped:
                // nothing is read from it any more that the copy could hold too
                if (original.matching() || original.gzip() || original.offset() < 0
                        || original.offset() < original.size()) {
                    continue;
                }
                takeOver(original, file);
            }
            file.sendPartialLine(file.quietNanos(now) >= TimeUnit.MILLISECONDS.toNanos(file.matching()
                    ? partialLineWaitMillis : Math.min(partialLineWaitMillis, closeInactiveSeconds * 1000)));
            if (file.offset() < 0 || size > file.readSize() || size > file.offset() && file.sendPartialLine()
                    && file.readSize() > file.offset()) {
                toRead.add(file);
            } else if (!file.matching() && file.quietNanos(now) >= TimeUnit.SECONDS.toNanos(closeInactiveSeconds)) {
                letGo.add(file);
            }
        }
        for (FollowedFile file : letGo) {
            letGo(file);
        }
        adopted.forEach(copy -> adopt(copy, false, "holds lines of a followed file that were not shipped (rotated"
                + " away from " + pattern + ")"));
        looked();
        return toRead;
    }

    /**
     * Opens every file the pattern matches now and holds it, before the follow route's first tick: a file renamed
     * away from the pattern (or deleted) after the run said it follows it is still read to its end through its handle.
     * Opens too the files next to them that the pattern does not match but that hold lines after their checkpoint,
     * or that are rotations of them written to since the last run with no line shipped.
     *
     * @return how many files are followed
     */
    public synchronized int start() throws IOException {
        Set<Object> matching = lookForFiles();
        sayIfNothingMatches(matching, System.nanoTime());
        // rotated away while no run followed it (the run was stopped during a rotation), with lines after its
        // checkpoint: read to its end, like a file rotated away while it is followed. A file under 1 KB too: its
        // checkpoint is found by its inode, or by its bytes
        adoptAll(notFollowed(matching, true, file -> state.unshippedAfter(file.channel())),
                "holds lines of a followed file that were not shipped (rotated away from " + pattern + ")");
        // created and rotated away while no run followed (two rotations while stopped): named as a rotation of a file
        // that matches, written to since the last run, and no line of it shipped. Read from its start
        long lastRun = state.lastRunMillis();
        if (lastRun >= 0) {
            Set<String> liveNames = new HashSet<>();
            followed.values().stream().filter(FollowedFile::matching)
                    .forEach(file -> liveNames.add(file.path().getFileName().toString()));
            adoptAll(notFollowed(matching, true, file -> isRotationOf(liveNames, file.path())
                    // not before: a file system that keeps times in seconds gives both the same
                    && Files.getLastModifiedTime(file.path()).toMillis() >= lastRun
                    && !state.shippedBefore(file.channel())), "was written to since the last run stopped and is a"
                    + " rotation of a followed file, with no line of it shipped");
        }
        state.sayWhichAreGone(pattern.directory(), followed.values().stream().map(FollowedFile::channel).toList());
        looked();
        return followed.size();
    }

    /** How many files are followed now: those that match, and those rotated away that are read to their end. */
    public int size() {
        return lastLooked.size();
    }

    /** A pattern that matches no file (a typo, a directory of other names) is said at once, and every 5 minutes. */
    private void sayIfNothingMatches(Set<Object> matching, long now) {
        if (!matching.isEmpty()) {
            nothingMatchedSaidNanos = 0;
        } else if (nothingMatchedSaidNanos == 0 || now - nothingMatchedSaidNanos >= NOTHING_MATCHES_NANOS) {
            nothingMatchedSaidNanos = now;
            LOG.atWarn().addKeyValue("file", pattern.directory()).log("No file matches {} now ({} holds {}); a file"
                    + " that comes to match it is followed from its start. Said again every 5 minutes while none"
                    + " does", pattern, pattern.directory(), contents());
        }
    }

    /** What the pattern's directory holds, for a message: a count and a few names, or why it cannot be read. */
    private String contents() {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(pattern.directory())) {
            for (Path entry : entries) {
                names.add(entry.getFileName().toString());
            }
        } catch (IOException e) {
            return "nothing that can be read: " + e.getMessage();
        }
        Collections.sort(names);
        return names.isEmpty() ? "no file" : names.size() + " other name(s): " + String.join(", ", names.subList(0,
                Math.min(5, names.size()))) + (names.size() > 5 ? ", ..." : "");
    }

    /**
     * Opens the files that match and are not followed yet, and follows the renamed ones under their new names.
     *
     * @return the identities of the files that match now
     */
    private Set<Object> lookForFiles() throws IOException {
        // watched before it is listed: a change after the listing is told. From the first look on, whether that is
        // the start's or, for a standby under --cluster-lock, the first tick's once it leads
        if (events == null) {
            events = new FileEvents(this::worthALook, this::hold);
        }
        boolean told = events.watch(pattern.directory()) && !pattern.recursive();
        Map<Object, Path> matching = new LinkedHashMap<>();
        Map<Object, Long> sizes = new HashMap<>();
        Map<Object, FileTime> modified = new HashMap<>();
        for (Path path : pattern.matchingFiles()) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                matching.put(attributes.fileKey(), path);
                if (pattern.recursive()) {
                    events.watch(path.getParent());
                }
                sizes.put(attributes.fileKey(), attributes.size());
                modified.put(attributes.fileKey(), attributes.lastModifiedTime());
            } catch (NoSuchFileException e) {
                // gone since it was listed
            }
        }
        allTold = told;
        afterListing.run();
        // renames first: a rotation's new file takes the name the renamed one had, and its counts start anew
        for (Map.Entry<Object, Path> entry : matching.entrySet()) {
            FollowedFile file = followed.get(entry.getKey());
            if (file != null) {
                if (!file.path().equals(entry.getValue())) {
                    LOG.atInfo().addKeyValue("file", file.path())
                            .log("{} was renamed to {}; following it there", file.path(), entry.getValue());
                    progress.renamed(file.path().toString(), entry.getValue().toString());
                    file.renamed(entry.getValue());
                }
                file.matching(true);
            }
        }
        // then the files gone from the pattern (renamed away, deleted): a new file may have the name one had, and its
        // counts are its own
        for (FollowedFile file : followed.values()) {
            if (!matching.containsKey(file.key()) && file.matching()) {
                file.matching(false);
                Path gone = whereNow(file);
                LOG.atInfo().addKeyValue("file", file.path())
                        .log("{} is now {}, which {} does not match; reading it to its end", file.path(), gone,
                                pattern);
                progress.renamed(file.path().toString(), gone.toString());
                file.renamed(gone);
            }
        }
        for (Map.Entry<Object, Path> entry : matching.entrySet()) {
            Object key = entry.getKey();
            Path path = entry.getValue();
            if (followed.containsKey(key)) {
                continue;
            }
            Long finishedSize = finished.get(key);
            if (finishedSize != null && finishedSize.equals(sizes.get(key))) {
                Held heldOpen = held.remove(key);
                if (heldOpen != null) {
                    heldOpen.channel().close();
                }
                continue;
            }
            FollowedFile file = open(path, key, modified.get(key));
            if (file == null) {
                continue;
            }
            followed.put(key, file);
            if (file.copyOf() == null) {
                // how far it goes is not known: it grows. A copy is not another file: its original counts
                progress.fileStarted(path.toString(), -1);
            }
            file.matching(true);
        }
        followHeldGone(matching.keySet());
        return matching.keySet();
    }

    /**
     * The files held since they were created that the pattern no longer matches (deleted, or renamed away, before this
     * look): each is read to its end through its handle, like a followed file rotated away.
     */
    private void followHeldGone(Set<Object> matching) throws IOException {
        for (Map.Entry<Object, Held> entry : List.copyOf(held.entrySet())) {
            Object key = entry.getKey();
            if (matching.contains(key)) {
                continue;
            }
            held.remove(key);
            FileChannel channel = entry.getValue().channel();
            FileInput.Fingerprint head = FileInput.head(channel);
            // a copy of a followed file (a rotation's, compressed and deleted since) holds no line of its own
            if (followed.containsKey(key) || head.length() == 0 || startsAsAFollowedFile(head)) {
                channel.close();
                continue;
            }
            Path now = whereNow(key);
            Path path = now != null ? now : deleted(entry.getValue().path());
            adopt(new FollowedFile(key, path, channel, head, FileInput.isGzip(channel)), true, "was made as "
                    + entry.getValue().path() + " and is now " + (now != null ? "named so" : "deleted") + ", before a"
                    + " look followed it");
        }
    }

    /** The file was read (and its lines acknowledged) up to where the reader ended. */
    public synchronized void readTo(FollowedFile file, LineReader reader) {
        file.readTo(reader.offset(), reader.lines(), reader.lastBytes());
        file.readSize(file.size());
        lookAtOnce = true;
    }

    /** Reading the file failed: the next tick reads it again from its checkpoint. */
    public synchronized void failed(FollowedFile file) {
        if (file != null) {
            failedLastTick = true;
            state.failed(file.path().toString());
            file.readTo(-1, 0, new byte[0]);
            file.readSize(-1);
        }
    }

    /**
     * For each followed file, the bytes after where it was read to (and acknowledged); a file shorter than that was
     * truncated, and all it holds is behind.
     */
    public Map<String, Long> lagBytes() {
        Map<String, Long> lag = new TreeMap<>();
        for (FollowedFile file : lastLooked) {
            if (!file.gzip()) {
                try {
                    long size = file.channel().size();
                    long read = Math.max(0, file.offset());
                    lag.put(file.path().toString(), size < read ? size : size - read);
                } catch (IOException e) {
                    // closed: it is being let go
                }
            }
        }
        return lag;
    }

    /** Closes every followed file: the run ends. */
    public synchronized void close() {
        for (FollowedFile file : followed.values()) {
            file.close();
        }
        followed.clear();
        for (Held file : held.values()) {
            try {
                file.channel().close();
            } catch (IOException e) {
                // only read from
            }
        }
        held.clear();
        lastLooked = List.of();
        if (events != null) {
            events.close();
        }
    }

    /** Where a file that no longer matches went: its new name in the pattern's directory, or `(deleted)`. */
    private Path whereNow(FollowedFile file) {
        Path now = whereNow(file.key());
        return now != null ? now : deleted(file.path());
    }

    /**
     * The name a deleted file is followed under: its name and `(deleted)`, with a number where another followed file
     * has that name already (a log deleted and made again, twice), so that each file keeps counts of its own.
     */
    private Path deleted(Path path) {
        Set<Path> taken = new HashSet<>();
        followed.values().forEach(other -> taken.add(other.path()));
        Path name = path.resolveSibling(path.getFileName() + " (deleted)");
        for (int n = 2; taken.contains(name); n++) {
            name = path.resolveSibling(path.getFileName() + " (deleted " + n + ")");
        }
        return name;
    }

    private static FileTime modifiedTime(Path path) {
        try {
            return Files.getLastModifiedTime(path);
        } catch (IOException e) {
            return null;
        }
    }

    /** The name the file of this identity has now in the pattern's directory; null if none has it. */
    private Path whereNow(Object key) {
        try (DirectoryStream<Path> names = Files.newDirectoryStream(pattern.directory())) {
            for (Path name : names) {
                BasicFileAttributes attributes = Files.readAttributes(name, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (key.equals(attributes.fileKey())) {
                    return name;
                }
            }
        } catch (IOException e) {
            // looked for a name only to say where it went
        }
        return null;
    }

    /** Opens a file seen for the first time, or null if it is gone or cannot be told from a followed one yet. */
    private FollowedFile open(Path listed, Object key, FileTime listedModified) throws IOException {
        Path path = listed;
        Held heldOpen = held.remove(key);
        FileChannel channel = heldOpen != null ? heldOpen.channel() : openIfStill(path, key);
        if (channel == null) {
            // renamed since it was listed (a rotation between the listing and now): it matched, so it is followed
            // where it is now, and the next look reads it to its end there. Only if it was not written since: a
            // file deleted since has its inode taken by the next file made, which is another file
            path = whereNow(key);
            channel = path == null || !listedModified.equals(modifiedTime(path)) ? null : openIfStill(path, key);
            if (channel == null) {
                return null;
            }
        }
        try {
            FileInput.Fingerprint head = FileInput.head(channel);
            FollowedFile file = new FollowedFile(key, path, channel, head, FileInput.isGzip(channel));
            for (FollowedFile other : followed.values()) {
                if (other.copyOf() == null && startsAlike(head, other)) {
                    if (head.length() < FileInput.IDENTITY_BYTES) {
                        if (heldOpen != null) {
                            held.put(key, heldOpen);
                        } else {
                            channel.close();
                        }
                        return null;
                    }
                    LOG.info("{} starts as {} does: a copy of it, shipped from where that one is read to once it is"
                            + " truncated or let go", path, other.path());
                    file.copyOf(other);
                    break;
                }
            }
            return file;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * The file at {@code path} open, if it is still the file of identity {@code key} that was listed there; null if
     * not, or gone. A rotation that renames another file to that name between the listing and the opening (logrotate's
     * create) would otherwise have the new file followed as the renamed one, and the renamed one never read.
     */
    private static FileChannel openIfStill(Path path, Object key) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(path);
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            if (Objects.equals(Files.readAttributes(path, BasicFileAttributes.class).fileKey(), key)) {
                return channel;
            }
        } catch (NoSuchFileException e) {
            // gone since it was opened: not known to be the file that was listed
        }
        channel.close();
        return null;
    }

    private static boolean startsAlike(FileInput.Fingerprint head, FollowedFile other) throws IOException {
        return startsAlike(head, other.head(), other.channel());
    }

    /** Whether a file of first bytes {@code head} starts as the file of {@code otherHead} open in {@code other}. */
    private static boolean startsAlike(FileInput.Fingerprint head, FileInput.Fingerprint otherHead, FileChannel other)
            throws IOException {
        if (head.length() > otherHead.length()) {
            return false;
        }
        if (head.length() == otherHead.length()) {
            return head.equals(otherHead);
        }
        try (FileInput in = FileInput.openShared(other)) {
            return in.fingerprint(head.length()).equals(head);
        }
    }

    /**
     * The regular files in the pattern's directory that it does not match and that are not followed, opened, for
     * which {@code wanted} holds; the others are closed again.
     */
    private List<FollowedFile> notFollowed(Set<Object> matching, boolean anyLength, Wanted wanted) {
        List<FollowedFile> files = new ArrayList<>();
        try (DirectoryStream<Path> names = Files.newDirectoryStream(pattern.directory())) {
            for (Path name : names) {
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(name, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                    continue;
                }
                Object key = attributes.fileKey();
                if (attributes.isRegularFile() && !followed.containsKey(key) && !matching.contains(key)) {
                    FollowedFile file = openIfWanted(key, name, anyLength, wanted);
                    if (file != null) {
                        files.add(file);
                    }
                }
            }
        } catch (IOException e) {
            LOG.atWarn().addKeyValue("file", pattern.directory()).log("Could not look for rotated files in {}: {}",
                    pattern.directory(), e.toString());
        }
        return files;
    }

    /**
     * The file open, if it is wanted and (unless {@code anyLength}) long enough to be known by its content; null if
     * not, or gone.
     */
    private static FollowedFile openIfWanted(Object key, Path name, boolean anyLength, Wanted wanted) {
        FileChannel channel = null;
        try {
            channel = openIfStill(name, key);
            if (channel == null) {
                return null;
            }
            FollowedFile file = new FollowedFile(key, name, channel, FileInput.head(channel),
                    FileInput.isGzip(channel));
            // an empty file has nothing to ship, and what it will be (lines, or a compressed file being written)
            // is not known yet
            if ((anyLength ? file.head().length() > 0 : file.head().length() == FileInput.IDENTITY_BYTES)
                    && wanted.test(file)) {
                return file;
            }
        } catch (IOException e) {
            // gone, or a compressed file still being written: not one to read now
        }
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // only read from
            }
        }
        return null;
    }

    /**
     * Whether a file's name is a rotation's name for one of these: the name and more (`app.log.1`, `app.log-20261207`,
     * `app.log.2.gz`), as logrotate names them.
     */
    private static boolean isRotationOf(Set<String> names, Path file) {
        String name = file.getFileName().toString();
        for (String live : names) {
            if (name.length() > live.length() && name.startsWith(live)) {
                return true;
            }
        }
        return false;
    }

    @FunctionalInterface
    private interface Wanted {
        boolean test(FollowedFile file) throws IOException;
    }

    /**
     * Follows these files to their end, at start. A compressed one that starts as a file followed already is let be: it
     * is logrotate's compression of that file, its lines are read from there, and it may still be being written.
     */
    private void adoptAll(List<FollowedFile> files, String why) throws IOException {
        List<FollowedFile> plainFirst = new ArrayList<>(files);
        plainFirst.sort(Comparator.comparing(FollowedFile::gzip));
        for (FollowedFile file : plainFirst) {
            if (file.gzip() && startsAsAFollowedFile(file)) {
                file.channel().close();
            } else {
                adopt(file, true, why);
            }
        }
    }

    private boolean startsAsAFollowedFile(FollowedFile file) throws IOException {
        return startsAsAFollowedFile(file.head());
    }

    /** Whether a file of first bytes {@code head} starts as an uncompressed followed file does. */
    private boolean startsAsAFollowedFile(FileInput.Fingerprint head) throws IOException {
        for (FollowedFile other : followed.values()) {
            if (!other.gzip() && startsAlike(head, other)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Follows a file the pattern does not match, to its end: a rotation's copy (not counted as a file: its original
     * is), or a file rotated away.
     */
    private void adopt(FollowedFile file, boolean counted, String why) {
        LOG.atInfo().addKeyValue("file", file.path()).log("{} {}; reading it to its end", file.path(), why);
        file.matching(false);
        followed.put(file.key(), file);
        if (counted) {
            progress.fileStarted(file.path().toString(), -1);
        }
    }

    /** The copies of a file that is let go go on from where it was read, or from where they part from it. */
    private void handOver(FollowedFile original) throws IOException {
        for (FollowedFile copy : List.copyOf(followed.values())) {
            if (copy.copyOf() == original) {
                takeOver(original, copy);
            }
        }
    }

    /**
     * The original was truncated: one of its copies goes on from where it was read to, an uncompressed one first. Any
     * other copy (the copy's own compression, when logrotate made both before this look) becomes a copy of that one,
     * so that the lines after the original's offset are read once.
     */
    private static void handOver(FollowedFile original, List<FollowedFile> candidates) throws IOException {
        List<FollowedFile> plainFirst = new ArrayList<>(candidates);
        plainFirst.sort(Comparator.comparing(FollowedFile::gzip));
        FollowedFile heir = null;
        for (FollowedFile copy : plainFirst) {
            if (copy.copyOf() != original) {
                continue;
            }
            if (heir != null) {
                copy.copyOf(heir);
                LOG.atInfo().addKeyValue("file", copy.path()).log("{} starts as {} does: a copy of it, shipped from"
                        + " where that one is read to once it is let go", copy.path(), heir.path());
                continue;
            }
            heir = copy;
            copy.copyOf(null);
            long copyEnd = copy.gzip() ? Long.MAX_VALUE : copy.channel().size();
            if (original.offset() > copyEnd) {
                // the writer wrote on between the copy and the truncation, and those lines were read from the
                // original: the copy ends before where the original was read, and holds nothing that was not shipped
                LineStart end = lineStartAtOrBefore(copy.channel(), copyEnd);
                copy.readTo(copyEnd, end.lines() + (end.offset() < copyEnd ? 1 : 0), bytesBefore(copy.channel(),
                        copyEnd));
            } else if (original.offset() >= 0) {
                copy.readTo(original.offset(), original.lines(), original.tail());
            }
            LOG.atInfo().addKeyValue("file", copy.path())
                    .log("{} goes on from line {} of {}", copy.path(), original.lines() + 1, original.path());
        }
    }

    /**
     * A file that started as a followed one did, which is gone from the pattern with every line shipped, goes on where
     * the two part: at the original's end if it holds the same bytes before it (a copy: a rotation's), else from the
     * line where they first differ (an older copy of the file put in its place, written on since). Plain files are
     * compared; a compressed copy is a copy.
     */
    private static void takeOver(FollowedFile original, FollowedFile copy) throws IOException {
        long offset = original.offset();
        if (copy.gzip() || sameBytesBefore(copy.channel(), offset, original.tail())) {
            handOver(original, List.of(copy));
            return;
        }
        long same = sameFromStart(original.channel(), copy.channel(), Math.min(offset, copy.channel().size()));
        LineStart start = lineStartAtOrBefore(copy.channel(), same);
        copy.copyOf(null);
        copy.readTo(start.offset(), start.lines(), bytesBefore(copy.channel(), start.offset()));
        LOG.atInfo().addKeyValue("file", copy.path()).log("{} started as {} did but holds other lines from line {} on"
                + " (an older copy put in its place?): it goes on from there", copy.path(), original.path(),
                start.lines() + 1);
    }

    /** Whether the file has, just before {@code offset}, the bytes {@code tail}. */
    private static boolean sameBytesBefore(FileChannel channel, long offset, byte[] tail) throws IOException {
        if (channel.size() < offset || offset < tail.length) {
            return false;
        }
        return Arrays.equals(bytesAt(channel, offset - tail.length, tail.length), tail);
    }

    /** How many bytes from their start two plain files have the same, up to {@code limit}. */
    private static long sameFromStart(FileChannel one, FileChannel other, long limit) throws IOException {
        int chunk = 64 * 1024;
        for (long at = 0; at < limit; at += chunk) {
            int length = (int) Math.min(chunk, limit - at);
            byte[] a = bytesAt(one, at, length);
            byte[] b = bytesAt(other, at, length);
            int differs = Arrays.mismatch(a, b);
            if (differs >= 0) {
                return at + Math.min(differs, Math.min(a.length, b.length));
            }
        }
        return limit;
    }

    private record LineStart(long offset, long lines) {
    }

    /** The start of the line that holds byte {@code offset} (or starts there), and how many lines come before it. */
    private static LineStart lineStartAtOrBefore(FileChannel channel, long offset) throws IOException {
        long lines = 0;
        long lineStart = 0;
        int chunk = 64 * 1024;
        for (long at = 0; at < offset; at += chunk) {
            byte[] bytes = bytesAt(channel, at, (int) Math.min(chunk, offset - at));
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    lines++;
                    lineStart = at + i + 1;
                }
            }
        }
        return new LineStart(lineStart, lines);
    }

    /** The last bytes before {@code offset}, for its checkpoint. */
    private static byte[] bytesBefore(FileChannel channel, long offset) throws IOException {
        int length = (int) Math.min(LineBatch.TAIL_BYTES, offset);
        return bytesAt(channel, offset - length, length);
    }

    /** Up to {@code length} bytes of a plain file from {@code position}, fewer where it ends. */
    private static byte[] bytesAt(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                break;
            }
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    private void letGo(FollowedFile file) throws IOException {
        handOver(file);
        followed.remove(file.key());
        file.close();
        if (file.gzip()) {
            finished.put(file.key(), file.size());
        }
        state.ended(file);
        progress.fileEnded(file.path().toString(), true);
        LOG.atInfo().addKeyValue("file", file.path()).log("{} is read to its end and let go", file.path());
    }

    @Override
    public String toString() {
        return "following " + pattern;
    }
}
