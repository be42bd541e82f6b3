# Build and test on the slim image of the SAME Python version the distroless image has.
FROM python:3.13-slim AS build
WORKDIR /app
COPY hello.py test_hello.py ./
RUN python -m unittest -v

# Distroless Python: the interpreter and its libraries. No shell, no package manager.
# Its ENTRYPOINT is already the interpreter, so CMD holds only the script's name.
# :nonroot runs as the user nonroot (65532), not root.
FROM gcr.io/distroless/python3-debian13:nonroot
WORKDIR /app
COPY --from=build /app/hello.py .
CMD ["hello.py"]
