using Slipway.Core.Config;

namespace Slipway.Core.Tests.Config;

/// <summary>The typed <c>build:</c> section: what binds, the defaults, and structural mistakes with line and key.</summary>
public sealed class BuildConfigTests
{
    [Fact]
    public void Packages_bind_in_file_order_with_defaults_and_key_locations()
    {
        var result = ConfigFixtures.Parse(ConfigFixtures.Minimal + """
            build:
              jobs: 2
              packages:
                libfoo:
                  source: { git: https://example.org/libfoo.git, ref: v1.2 }
                  patches: [patches/0001-fix.patch]
                  steps: [make, make install PREFIX=$PREFIX]
                  env: { CFLAGS: -O2 }
                  env_allowlist: [CC]
                  pass_env: [CC, LANG]
                  tools: [gcc]
                  platform: linux-x64
                app:
                  source: { path: vendor/app }
                  depends: [libfoo]
                  steps: [make]
            """);

        result.Succeeded.ShouldBeTrue(ConfigFixtures.Lines(result));
        var build = result.Config!.Build!;
        build.Jobs.ShouldBe(2);
        build.Store.ShouldBe(Path.GetFullPath(Path.Combine(".slipway", "artifacts")));
        build.Packages.Select(p => p.Name).ShouldBe(["libfoo", "app"]);
        var libfoo = build.Packages[0];
        libfoo.Source.ShouldBe(new BuildSourceConfig("git", "https://example.org/libfoo.git", "v1.2", null, null));
        libfoo.Steps.ShouldBe(["make", "make install PREFIX=$PREFIX"]);
        libfoo.Env["CFLAGS"].ShouldBe("-O2");
        libfoo.EnvAllowlist.ShouldBe(["CC", "LANG"]);
        libfoo.LocationOf("steps[2]").Line.ShouldBe(13);
        libfoo.LocationOf("source.ref").ShouldBe(new SourceLocation(11, 59));
        build.Packages[1].DependsLocations["libfoo"].ShouldBe(new SourceLocation(21, 17));
    }

    [Fact]
    public void A_source_must_be_exactly_one_kind_and_steps_are_required()
    {
        var result = ConfigFixtures.Parse(ConfigFixtures.Minimal + """
            build:
              store: /var/cache/artifacts
              packages:
                both:
                  source: { git: x, path: y }
                  steps: [make]
                none:
                  source: { ref: main }
                  steps: [make]
                nosteps:
                  source: { tarball: https://example.org/x.tgz }
                  patchez: [a]
            """);

        ConfigFixtures.Lines(result).ShouldBe("""
            slipway.yml:11:15: error: build.packages.both.source: gives git and path; a source is exactly one of them
            slipway.yml:14:15: error: build.packages.none.source: needs one of git (with ref), tarball (with sha256) or path
            slipway.yml:17:7: error: build.packages.nosteps.steps: required key is missing (shell commands run in the source tree, such as [make, make install PREFIX=$PREFIX])
            slipway.yml:17:15: error: build.packages.nosteps.source.sha256: required key is missing (the SHA-256 of the tarball, 64 hex digits)
            slipway.yml:18:7: error: build.packages.nosteps.patchez: unknown key; did you mean 'patches'?
            """);
    }

    [Fact]
    public void The_s3_store_and_signing_bind_with_their_defaults()
    {
        var result = ConfigFixtures.Parse(ConfigFixtures.Minimal + """
            build:
              s3: { url: s3://team-artifacts/builds/, endpoint: http://127.0.0.1:9000, profile: ci }
              signing: { key: keys/build.pem, public_key: CaJNTdbZGNQNP9QZs+38JSNomiOFQEDmlL8iYx0aOyA= }
            """);

        result.Succeeded.ShouldBeTrue(ConfigFixtures.Lines(result));
        var build = result.Config!.Build!;
        build.S3.ShouldNotBeNull();
        (build.S3.Bucket, build.S3.Prefix, build.S3.Endpoint, build.S3.Profile, build.S3.Region).ShouldBe(("team-artifacts", "builds", "http://127.0.0.1:9000", "ci", null));
        build.S3.Timeout.ShouldBe(TimeSpan.FromSeconds(2));
        build.S3.ReadOnly.ShouldBeFalse();
        build.S3.HostsFetch.ShouldBeFalse();
        build.S3.Url.ShouldBe("s3://team-artifacts/builds");
        build.Signing!.Key.ShouldBe(Path.GetFullPath("keys/build.pem"));
        build.Signing.PublicKey.ShouldBe("CaJNTdbZGNQNP9QZs+38JSNomiOFQEDmlL8iYx0aOyA=");
    }

    [Fact]
    public void Hosts_fetch_binds_off_by_default_and_on_when_asked()
    {
        var result = ConfigFixtures.Parse(ConfigFixtures.Minimal + """
            build:
              s3: { url: s3://team-artifacts, endpoint: http://127.0.0.1:9000, hosts_fetch: true }
            """);

        result.Succeeded.ShouldBeTrue(ConfigFixtures.Lines(result));
        result.Config!.Build!.S3!.HostsFetch.ShouldBeTrue();
    }

    [Fact]
    public void S3_and_signing_mistakes_are_reported_at_their_keys()
    {
        var result = ConfigFixtures.Parse(ConfigFixtures.Minimal + """
            build:
              s3: { url: s3://bucket, endpoint: 127.0.0.1:9000, timeout: 0s, readonly: true }
              signing: {}
            """);
        var badUrl = ConfigFixtures.Parse(ConfigFixtures.Minimal + """
            build:
              s3: { url: https://bucket }
            """);

        ConfigFixtures.Lines(result).ShouldBe("""
            slipway.yml:8:37: error: build.s3.endpoint: must be an http:// or https:// URL, got '127.0.0.1:9000'
            slipway.yml:8:62: error: build.s3.timeout: must be longer than zero
            slipway.yml:8:66: error: build.s3.readonly: unknown key; did you mean 'read_only'?
            slipway.yml:9:12: error: build.signing: needs key (to sign what is built here), public_key (to refuse unsigned artifacts) or both
            """);
        ConfigFixtures.Lines(badUrl).ShouldBe("slipway.yml:8:14: error: build.s3.url: must be s3://BUCKET or s3://BUCKET/PREFIX, got 'https://bucket'");
    }
}
