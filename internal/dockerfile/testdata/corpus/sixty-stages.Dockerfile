# A monorepo: one shared base, a tools stage, 19 services of three stages each,
# and a bundle of every service binary. 60 stages in all.
ARG GO_VERSION=1.25

FROM golang:${GO_VERSION}-alpine AS base
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download

FROM alpine:3.22 AS tools
RUN apk add --no-cache protobuf

FROM base AS svc01-deps
COPY services/svc01/go.mod services/svc01/
RUN cd services/svc01 && go mod download

FROM svc01-deps AS svc01-build
COPY --from=tools /usr/bin/protoc /usr/bin/protoc
COPY services/svc01 services/svc01
RUN go build -o /out/svc01 ./services/svc01

FROM gcr.io/distroless/static-debian12 AS svc01
COPY --from=svc01-build /out/svc01 /svc01
ENTRYPOINT ["/svc01"]

FROM base AS svc02-deps
COPY services/svc02/go.mod services/svc02/
RUN cd services/svc02 && go mod download

FROM svc02-deps AS svc02-build
COPY --from=tools /usr/bin/protoc /usr/bin/protoc
COPY services/svc02 services/svc02
RUN go build -o /out/svc02 ./services/svc02

FROM gcr.io/distroless/static-debian12 AS svc02
COPY --from=svc02-build /out/svc02 /svc02
ENTRYPOINT ["/svc02"]

FROM base AS svc03-deps
COPY services/svc03/go.mod services/svc03/
RUN cd services/svc03 && go mod download

FROM svc03-deps AS svc03-build
COPY --from=tools /usr/bin/protoc /usr/bin/protoc
COPY services/svc03 services/svc03
RUN go build -o /out/svc03 ./services/svc03

FROM gcr.io/distroless/static-debian12 AS svc03
COPY --from=svc03-build /out/svc03 /svc03
ENTRYPOINT ["/svc03"]

FROM base AS svc04-deps
COPY services/svc04/go.mod services/svc04/
RUN cd services/svc04 && go mod download

FROM svc04-deps AS svc04-build
COPY --from=tools /usr/bin/protoc /usr/bin/protoc
COPY services/svc04 services/svc04
RUN go build -o /out/svc04 ./services/svc04

FROM gcr.io/distroless/static-debian12 AS svc04
COPY --from=svc04-build /out/svc04 /svc04
ENTRYPOINT ["/svc04"]

FROM base AS svc05-deps
COPY services/svc05/go.mod services/svc05/
RUN cd services/svc05 && go mod download

FROM svc05-deps AS svc05-build
COPY --from=tools /usr/bin/protoc /usr/bin/protoc
COPY services/svc05 services/svc05
RUN go build -o /out/svc05 ./services/svc05

FROM gcr.io/distroless/static-debian12 AS svc05
COPY --from=svc05-build /out/svc05 /svc05
ENTRYPOINT ["/svc05"]

FROM base AS svc06-deps
COPY services/svc06/go.mod services/svc06/
RUN cd services/svc06 && go mod download

FROM svc06-deps AS svc06-build
COPY --from=tools /usr/bin/protoc /usr/bin/protoc
COPY services/svc06 services/svc06
RUN go build -o /out/svc06 ./services/svc06

FROM gcr.io/distroless/static-debian12 AS svc06
COPY --from=svc06-build /out/svc06 /svc06
ENTRYPOINT ["/svc06"]

FROM base AS svc07-deps
COPY services/svc07/go.mod services/svc07/
RUN cd services/svc07 && go mod download

FROM svc07-deps AS svc07-build
COPY --from=tools /usr/bin/protoc /usr/bin/protoc
COPY services/svc07 services/svc07
RUN go build -o /out/svc07 ./services/svc07

FROM gcr.io/distroless/static-debian12 AS svc07
COPY --from=svc07-build /out/svc07 /svc07
ENTRYPOINT ["/svc07"]

FROM base AS svc08-deps
COPY services/svc08/go.mod services/svc08/
RUN cd services/svc08 && go mod download

FROM svc08-deps AS svc08-build
COPY --from=tools /usr/bin/protoc /usr/bin/protoc
COPY services/svc08 services/svc08
RUN go build -o /out/svc08 ./services/svc08

FROM gcr.io/distroless/static-debian12 AS svc08
COPY --from=svc08-build /out/svc08 /svc08
ENTRYPOINT ["/svc08"]

FROM base AS svc09-deps
COPY services/svc09/go.mod services/svc09/
RUN cd services/svc09 && go mod download

FROM svc09-deps AS svc09-build
COPY --from=tools /usr/bin/protoc /usr/bin/protoc
COPY services/svc09 services/svc09
RUN go build -o /out/svc09 ./services/svc09

FROM gcr.io/distroless/static-debian12 AS svc09
COPY --from=svc09-build /out/svc09 /svc09
ENTRYPOINT ["/svc09"]

FROM base AS svc10-deps
COPY services/svc10/go.mod services/svc10/
RUN cd services/svc10 && go mod download

FROM svc10-deps AS svc10-build
COPY --from=tools /usr/bin/protoc /usr/bin/protoc
COPY services/svc10 services/svc10
RUN go build -o /out/svc10 ./services/svc10

FROM gcr.io/distroless/static-debian12 AS svc10
COPY --from=svc10-build /out/svc10 /svc10
ENTRYPOINT ["/svc10"]

FROM base AS svc11-deps
COPY services/svc11/go.mod services/svc11/
RUN cd services/svc11 && go mod download

FROM svc11-deps AS svc11-build
COPY --from=tools /usr/bin/protoc /usr/bin/protoc
COPY services/svc11 services/svc11
RUN go build -o /out/svc11 ./services/svc11

FROM gcr.io/distroless/static-debian12 AS svc11
COPY --from=svc11-build /out/svc11 /svc11
ENTRYPOINT ["/svc11"]

FROM base AS svc12-deps
COPY services/svc12/go.mod services/svc12/
RUN cd services/svc12 && go mod download

FROM svc12-deps AS svc12-build
COPY --from=tools /usr/bin/protoc /usr/bin/protoc
COPY services/svc12 services/svc12
RUN go build -o /out/svc12 ./services/svc12

FROM gcr.io/distroless/static-debian12 AS svc12
COPY --from=svc12-build /out/svc12 /svc12
ENTRYPOINT ["/svc12"]

FROM base AS svc13-deps
COPY services/svc13/go.mod services/svc13/
RUN cd services/svc13 && go mod download

FROM svc13-deps AS svc13-build
COPY --from=tools /usr/bin/protoc /usr/bin/protoc
COPY services/svc13 services/svc13
RUN go build -o /out/svc13 ./services/svc13

FROM gcr.io/distroless/static-debian12 AS svc13
COPY --from=svc13-build /out/svc13 /svc13
ENTRYPOINT ["/svc13"]

FROM base AS svc14-deps
COPY services/svc14/go.mod services/svc14/
RUN cd services/svc14 && go mod download

FROM svc14-deps AS svc14-build
COPY --from=tools /usr/bin/protoc /usr/bin/protoc
COPY services/svc14 services/svc14
RUN go build -o /out/svc14 ./services/svc14

FROM gcr.io/distroless/static-debian12 AS svc14
COPY --from=svc14-build /out/svc14 /svc14
ENTRYPOINT ["/svc14"]

FROM base AS svc15-deps
COPY services/svc15/go.mod services/svc15/
RUN cd services/svc15 && go mod download

FROM svc15-deps AS svc15-build
COPY --from=tools /usr/bin/protoc /usr/bin/protoc
COPY services/svc15 services/svc15
RUN go build -o /out/svc15 ./services/svc15

FROM gcr.io/distroless/static-debian12 AS svc15
COPY --from=svc15-build /out/svc15 /svc15
ENTRYPOINT ["/svc15"]

FROM base AS svc16-deps
COPY services/svc16/go.mod services/svc16/
RUN cd services/svc16 && go mod download

FROM svc16-deps AS svc16-build
COPY --from=tools /usr/bin/protoc /usr/bin/protoc
COPY services/svc16 services/svc16
RUN go build -o /out/svc16 ./services/svc16

FROM gcr.io/distroless/static-debian12 AS svc16
COPY --from=svc16-build /out/svc16 /svc16
ENTRYPOINT ["/svc16"]

FROM base AS svc17-deps
COPY services/svc17/go.mod services/svc17/
RUN cd services/svc17 && go mod download

FROM svc17-deps AS svc17-build
COPY --from=tools /usr/bin/protoc /usr/bin/protoc
COPY services/svc17 services/svc17
RUN go build -o /out/svc17 ./services/svc17

FROM gcr.io/distroless/static-debian12 AS svc17
COPY --from=svc17-build /out/svc17 /svc17
ENTRYPOINT ["/svc17"]

FROM base AS svc18-deps
COPY services/svc18/go.mod services/svc18/
RUN cd services/svc18 && go mod download

FROM svc18-deps AS svc18-build
COPY --from=tools /usr/bin/protoc /usr/bin/protoc
COPY services/svc18 services/svc18
RUN go build -o /out/svc18 ./services/svc18

FROM gcr.io/distroless/static-debian12 AS svc18
COPY --from=svc18-build /out/svc18 /svc18
ENTRYPOINT ["/svc18"]

FROM base AS svc19-deps
COPY services/svc19/go.mod services/svc19/
RUN cd services/svc19 && go mod download

FROM svc19-deps AS svc19-build
COPY --from=tools /usr/bin/protoc /usr/bin/protoc
COPY services/svc19 services/svc19
RUN go build -o /out/svc19 ./services/svc19

FROM gcr.io/distroless/static-debian12 AS svc19
COPY --from=svc19-build /out/svc19 /svc19
ENTRYPOINT ["/svc19"]

FROM scratch AS bundle
COPY --from=svc01 /svc01 /bin/svc01
COPY --from=svc02 /svc02 /bin/svc02
COPY --from=svc03 /svc03 /bin/svc03
COPY --from=svc04 /svc04 /bin/svc04
COPY --from=svc05 /svc05 /bin/svc05
COPY --from=svc06 /svc06 /bin/svc06
COPY --from=svc07 /svc07 /bin/svc07
COPY --from=svc08 /svc08 /bin/svc08
COPY --from=svc09 /svc09 /bin/svc09
COPY --from=svc10 /svc10 /bin/svc10
COPY --from=svc11 /svc11 /bin/svc11
COPY --from=svc12 /svc12 /bin/svc12
COPY --from=svc13 /svc13 /bin/svc13
COPY --from=svc14 /svc14 /bin/svc14
COPY --from=svc15 /svc15 /bin/svc15
COPY --from=svc16 /svc16 /bin/svc16
COPY --from=svc17 /svc17 /bin/svc17
COPY --from=svc18 /svc18 /bin/svc18
COPY --from=svc19 /svc19 /bin/svc19
