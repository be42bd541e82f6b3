ARG STAGE=build
FROM alpine:3.22 AS build

FROM scratch
COPY --from=$STAGE /x /x
