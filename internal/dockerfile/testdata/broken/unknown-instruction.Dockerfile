FROM alpine:3.22
FORM scratch
