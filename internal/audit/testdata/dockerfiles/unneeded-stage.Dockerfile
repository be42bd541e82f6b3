FROM python:latest AS never-built
RUN echo unused

FROM python:3.13-slim AS app
COPY . .
RUN pip install .
