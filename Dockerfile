# Keyhole in a container. Untested here (no container engine where it was written): see README, "Run it as a service".
#   docker build -t keyhole .
#   docker run -d -p 2222:2222 -v "$PWD/keyhole-etc:/etc/keyhole" -v keyhole-audit:/var/log/keyhole keyhole
# The config in /etc/keyhole/keyhole.yaml must listen on 0.0.0.0 and may use hostKeys: [keys/...] and
# audit: { file: /var/log/keyhole/keyhole-audit.log }.

# Build stage: a compiler for the native addon and confinement helper, dev dependencies for the TypeScript build.
FROM node:22-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN KEYHOLE_REQUIRE_NATIVE=1 npm ci && npm prune --omit=dev

# Run stage: no compiler, not root. Commands run as the `node` user (a server that is not root runs them as itself).
FROM node:22-slim
WORKDIR /app
COPY --from=build /app /app
RUN install -d -o node -g node -m 0700 /etc/keyhole /var/log/keyhole
USER node
EXPOSE 2222
VOLUME ["/etc/keyhole", "/var/log/keyhole"]
ENTRYPOINT ["node", "/app/bin/keyhole.js"]
CMD ["serve", "--config", "/etc/keyhole/keyhole.yaml"]
