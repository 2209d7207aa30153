// Go's encoding/json: json.Marshal of the interface{} that json.Unmarshal gives for each corpus body
// (maps with sorted keys, float64 numbers, HTML-safe escaping).
// Usage: go run . corpus.json SECRET  → TSV lines: serializer, corpus, base64(signed bytes), HMAC-SHA256 hex
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
)

func main() {
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	var corpus []struct{ Name, Body string }
	if err := json.Unmarshal(raw, &corpus); err != nil {
		panic(err)
	}
	for _, doc := range corpus {
		var v interface{}
		if err := json.Unmarshal([]byte(doc.Body), &v); err != nil {
			panic(err)
		}
		out, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		mac := hmac.New(sha256.New, []byte(os.Args[2]))
		mac.Write(out)
		fmt.Printf("go\t%s\t%s\t%s\n", doc.Name, base64.StdEncoding.EncodeToString(out), hex.EncodeToString(mac.Sum(nil)))
	}
}
