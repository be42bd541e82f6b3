# A popular recipe, and a broken one: install the dependencies in the build stage, then copy
# only the app's folder into the runtime stage.
FROM python:3.13 AS build
WORKDIR /app
COPY requirements.txt ./
COPY wheels/ ./wheels/
# pip puts banner in the interpreter's own site-packages, far from /app...
RUN pip install --no-cache-dir --no-index --find-links=./wheels -r requirements.txt
COPY hello.py ./

FROM python:3.13-slim
WORKDIR /app
# ...so copying /app brings the code and the wheel file, but not the installed package.
COPY --from=build /app /app
USER 65532
CMD ["python", "hello.py"]
