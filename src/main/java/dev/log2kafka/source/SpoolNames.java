package dev.log2kafka.source;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import org.apache.camel.Exchange;
import org.apache.camel.component.file.FileConstants;

/**
 * Where watch mode moves a file: `.done/` or `.failed/` next to it, under its own name, or with `.1`, `.2`, ... added
 * if a file of that name is there already, so that a name dropped twice never overwrites the first (bean `spool`, in
 * the watch route's `move` and `moveFailed`).
 */
public final class SpoolNames {

    private final LateWrites lateWrites;

    /** @param lateWrites told where each shipped file goes */
    public SpoolNames(LateWrites lateWrites) {
        this.lateWrites = lateWrites;
    }

    public String done(Exchange exchange) {
        String target = unused(exchange, ".done");
        lateWrites.moved(Path.of(exchange.getIn().getHeader(FileConstants.FILE_ABSOLUTE_PATH, String.class)),
                Path.of(target));
        return target;
    }

    public String failed(Exchange exchange) {
        return unused(exchange, ".failed");
    }

    private static String unused(Exchange exchange, String directory) {
        Path file = Path.of(exchange.getIn().getHeader(FileConstants.FILE_ABSOLUTE_PATH, String.class));
        Path target = file.resolveSibling(directory).resolve(file.getFileName());
        for (int n = 1; Files.exists(target, LinkOption.NOFOLLOW_LINKS); n++) {
            target = file.resolveSibling(directory).resolve(file.getFileName() + "." + n);
        }
        return target.toString();
    }
}
