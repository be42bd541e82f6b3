FROM golang:1.27 AS build
WORKDIR /src
COPY main.go ./
RUN go build -o /out/webapp main.go

FROM scratch
COPY --from=build /out/webapp /webapp
ENTRYPOINT ["/webapp"]
