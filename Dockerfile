# zaitaku: one static-ish binary that serves the API and the map page.
# Build:  docker build -t zaitaku .
# Run:    docker run -p 8080:8080 -v "$PWD/index:/index:ro" zaitaku serve --index /index/osaka --bind 0.0.0.0:8080
# The index is not in the image: it is an artifact built by `zaitaku index` (see deploy/README.md).

FROM rust:1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The page's libraries first (their layer stays cached while the code changes).
COPY web/package.json web/package-lock.json web/
RUN npm ci --prefix web --no-audit --no-fund --omit=dev
COPY . .
RUN cargo build --release --locked --bin zaitaku

FROM debian:bookworm-slim
# IPAゴシック for the referral sheet's PDF; CA certificates for `zaitaku fetch`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-ipafont-gothic ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin zaitaku
COPY --from=build /src/target/release/zaitaku /usr/local/bin/zaitaku
USER zaitaku
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD ["/usr/local/bin/zaitaku", "--version"]
ENTRYPOINT ["/usr/local/bin/zaitaku"]
CMD ["serve", "--index", "/index/osaka", "--bind", "0.0.0.0:8080"]
