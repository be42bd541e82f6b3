FROM golang:1.27 AS build
WORKDIR /src
# First the module files, which change only when a dependency does. A module with
# dependencies has a go.sum too (COPY go.mod go.sum ./); this one has none, so no go.sum.
COPY go.mod ./
# Downloads every dependency into the module cache, in a layer the edits below leave cached.
# (Here there is nothing to download: go says so, and the step is still cached next time.)
RUN go mod download
# Last the source, which changes all day long.
COPY main.go ./
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/webapp .

FROM alpine:3.22
COPY --from=build /out/webapp /usr/local/bin/webapp
USER 65534
ENTRYPOINT ["webapp"]
