FROM python:3.13-slim AS build
WORKDIR /app
COPY hello.py test_hello.py ./

# The tests run here; a failing one fails the build.
FROM build AS test
RUN python -m unittest -v

# Copying from the test stage makes every builder run it first.
FROM python:3.13-slim
WORKDIR /app
COPY --from=test /app/hello.py .
CMD ["python", "hello.py"]
