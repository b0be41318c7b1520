package dev.log2kafka.progress;

/** Told of every {@link ProgressEvent}; called from the ticker and route threads, never per line. */
@FunctionalInterface
public interface ProgressListener {

    void onProgress(ProgressEvent event);
}
