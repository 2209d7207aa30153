<?php
// PHP's json_encode over json_decode of each corpus body, the way PHP senders re-serialize a payload.
// Usage: php php.php corpus.json SECRET  → TSV lines: serializer, corpus, base64(signed bytes), HMAC-SHA256 hex
$corpus = json_decode(file_get_contents($argv[1]), true);
$secret = $argv[2];
foreach ($corpus as $doc) {
    $body = $doc['body'];
    $forms = [
        'php' => json_encode(json_decode($body)),
        'php-assoc' => json_encode(json_decode($body, true)),
        'php-unescaped' => json_encode(json_decode($body), JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE),
        'php-pretty' => json_encode(json_decode($body), JSON_PRETTY_PRINT),
    ];
    foreach ($forms as $id => $text) {
        if ($text === false) { fwrite(STDERR, "json_encode failed: $id {$doc['name']}\n"); exit(1); }
        echo $id, "\t", $doc['name'], "\t", base64_encode($text), "\t", hash_hmac('sha256', $text, $secret), "\n";
    }
}
