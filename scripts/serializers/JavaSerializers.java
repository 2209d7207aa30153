// Jackson (ObjectMapper.readTree + writeValueAsString) and Gson (JsonParser tree, and the Map<String, Object>
// that gson.fromJson(body, Map.class) gives) over each corpus body, with Gson's default HTML-safe escaping.
// Usage: java -cp <jackson+gson jars>:. JavaSerializers corpus.json SECRET
//   → TSV lines: serializer, corpus, base64(signed bytes), HMAC-SHA256 hex
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.gson.Gson;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

public class JavaSerializers {
  public static void main(String[] args) throws Exception {
    ObjectMapper jackson = new ObjectMapper();
    Gson gson = new Gson();
    String secret = args[1];
    JsonNode corpus = jackson.readTree(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8));
    for (JsonNode doc : corpus) {
      String name = doc.get("name").asText();
      String body = doc.get("body").asText();
      Map<String, String> forms = new LinkedHashMap<>();
      forms.put("jackson", jackson.writeValueAsString(jackson.readTree(body)));
      forms.put("gson", gson.toJson(JsonParser.parseString(body)));
      forms.put("gson-map", gson.toJson(gson.fromJson(body, Map.class)));
      for (Map.Entry<String, String> e : forms.entrySet()) {
        byte[] bytes = e.getValue().getBytes(StandardCharsets.UTF_8);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        StringBuilder hex = new StringBuilder();
        for (byte b : mac.doFinal(bytes)) hex.append(String.format("%02x", b));
        System.out.println(e.getKey() + "\t" + name + "\t" + Base64.getEncoder().encodeToString(bytes) + "\t" + hex);
      }
    }
  }
}
