FROM python:3.13-slim AS build
RUN python -m venv /venv && /venv/bin/pip install --no-cache-dir flask==3.1.0
COPY hello.py /app/hello.py

FROM gcr.io/distroless/python3-debian13 AS runtime
COPY --from=build /venv /venv
COPY --from=build /app /app
ENV PYTHONPATH=/venv/lib/python3.13/site-packages
# The image's ENTRYPOINT is already python3: CMD holds only the script.
CMD ["/app/hello.py"]

FROM gcr.io/distroless/python3-debian13:debug AS debug
COPY --from=build /venv /venv
COPY --from=build /app /app
