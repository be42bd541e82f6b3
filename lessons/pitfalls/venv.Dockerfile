# The fix: install into a virtual environment, a folder that holds everything pip installed,
# and copy that folder whole.
FROM python:3.13 AS build
RUN python -m venv /venv
# With the venv's bin first on PATH, python and pip are the venv's.
ENV PATH=/venv/bin:$PATH
WORKDIR /app
COPY requirements.txt ./
COPY wheels/ ./wheels/
RUN pip install --no-cache-dir --no-index --find-links=./wheels -r requirements.txt
COPY hello.py ./

# Same Python version, same interpreter path (/usr/local/bin/python): the venv's bin/python
# is a link to it, and its packages were installed for that version.
FROM python:3.13-slim
COPY --from=build /venv /venv
ENV PATH=/venv/bin:$PATH
WORKDIR /app
COPY --from=build /app/hello.py ./
# Not root: uid 65532 (distroless calls it nonroot).
USER 65532
CMD ["python", "hello.py"]
