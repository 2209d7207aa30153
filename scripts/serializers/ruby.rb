# Ruby's JSON.generate (what #to_json does) and JSON.pretty_generate over JSON.parse of each corpus body.
# Usage: ruby ruby.rb corpus.json SECRET  → TSV lines: serializer, corpus, base64(signed bytes), HMAC-SHA256 hex
require 'json'
require 'openssl'
require 'base64'
corpus = JSON.parse(File.read(ARGV[0], encoding: 'UTF-8'))
secret = ARGV[1]
corpus.each do |doc|
  value = JSON.parse(doc['body'])
  { 'ruby' => JSON.generate(value), 'ruby-pretty' => JSON.pretty_generate(value) }.each do |id, text|
    bytes = text.b
    puts [id, doc['name'], Base64.strict_encode64(bytes), OpenSSL::HMAC.hexdigest('SHA256', secret, bytes)].join("\t")
  end
end
