# dev -> build -> runtime, with FROM <stage> inheritance.
FROM python:3.13-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1
WORKDIR /app

FROM base AS deps
COPY requirements.txt .
RUN python -m venv /venv && /venv/bin/pip install -r requirements.txt

FROM deps AS dev
COPY requirements-dev.txt .
RUN /venv/bin/pip install -r requirements-dev.txt
CMD ["/venv/bin/python", "-m", "flask", "run", "--debug"]

FROM deps AS build
COPY . .
RUN /venv/bin/python -m compileall .

FROM base AS runtime
COPY --from=build /venv /venv
COPY --from=build /app /app
CMD ["/venv/bin/python", "hello.py"]
