module serializervectors

go 1.19
