from golang:1.25-alpine as build
workdir /src
copy . .
run go build -o /hello .

from alpine:3.22
copy --from=build /hello /hello
cmd ["/hello"]
