import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * `Topics create BOOTSTRAP TOPIC N`: a topic of N partitions (replication factor 1); `Topics delete BOOTSTRAP TOPIC`:
 * deletes it, so that a long benchmark does not fill the broker's disk.
 */
public class Topics {

    public static void main(String[] args) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", args[1]))) {
            if (args[0].equals("create")) {
                admin.createTopics(List.of(new NewTopic(args[2], Integer.parseInt(args[3]), (short) 1))).all().get();
            } else {
                admin.deleteTopics(List.of(args[2])).all().get();
            }
        }
    }
}
