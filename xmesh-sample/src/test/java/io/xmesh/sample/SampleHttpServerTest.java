package io.xmesh.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sample HTTP backend, called with the JDK HttpClient and, for pipelining, with a raw socket. */
class SampleHttpServerTest {
    static SampleBackends backends;
    static HttpClient client;

    @BeforeAll
    static void start() {
        backends = SampleBackends.start(-1, 0);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(3)).build();
    }

    @AfterAll
    static void stop() {
        if (backends != null) {
            backends.close();
        }
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + backends.httpPort() + path);
    }

    @Test
    void getHello() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/hello")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("hello from xmesh sample backend\n");
        assertThat(r.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
    }

    @Test
    void postEchoesTheBodyAndItsType() throws Exception {
        String body = "{\"name\":\"Grüße\"}".repeat(500);
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/echo?x=1"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(body);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    }

    @Test
    void unknownPathIs404AndOtherMethodsAre405() throws Exception {
        assertThat(client.send(HttpRequest.newBuilder(uri("/nope")).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(404);
        assertThat(client.send(HttpRequest.newBuilder(uri("/hello")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
    }

    @Test
    void oversizedBodyIs413() throws Exception {
        byte[] big = new byte[SampleHttpServer.MAX_BODY + 1];
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
    }

    @Test
    void keepAliveAndPipelinedRequestsAreAnsweredInOrderOnOneConnection() throws Exception {
        try (Socket s = new Socket("127.0.0.1", backends.httpPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            String req = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabcde"
                    + "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
            out.write(req.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all); // the server closes after the third response
            String text = all.toString(StandardCharsets.US_ASCII);
            int first = text.indexOf("hello from xmesh sample backend");
            int second = text.indexOf("abcde");
            int third = text.indexOf("hello from xmesh sample backend", first + 1);
            assertThat(first).isPositive();
            assertThat(second).isGreaterThan(first);
            assertThat(third).isGreaterThan(second);
            assertThat(text.split("HTTP/1.1 200 OK", -1)).hasSize(4);
            assertThat(text).contains("connection: close");
        }
    }
}
