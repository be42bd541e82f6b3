ARG BASE=node
FROM ${BASE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
FROM deps
COPY . .
CMD ["node", "index.js"]
