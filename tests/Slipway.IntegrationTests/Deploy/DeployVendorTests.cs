using Slipway.Testing;

namespace Slipway.IntegrationTests.Deploy;

/// <summary>
/// Build artifacts installed by a deploy (docs/build.md, "Deploy integration") on real sshd hosts: the hosts whose roles
/// need a package get it and its dependencies unpacked once under shared/vendor/KEY and linked into the release; a
/// second deploy reuses them; a corrupt, missing or unsigned artifact fails the update and leaves the live release alone.
/// </summary>
public sealed class DeployVendorTests
{
    [Fact(Timeout = 180_000)]
    public async Task Hosts_whose_roles_need_a_package_get_it_and_its_dependency_unpacked_once_and_linked_and_a_redeploy_reuses_them()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(2, ct);
        var project = new VendorProject(site);
        project.Configure();
        (await site.RunAsync("build")).ExitCode.ShouldBe(0);
        var toolKey = project.StoredKeys("tool").ShouldHaveSingleItem();
        var libKey = project.StoredKeys("libgreet").ShouldHaveSingleItem();

        var (exitCode, output) = await site.RunAsync("deploy", "production");

        exitCode.ShouldBe(0, output + site.Fixture.ServerLogs());
        output.ShouldContain("vendor: 2 of 2 artifacts ready");
        output.ShouldContain($"{site.HostName(0)}: vendor: 2 uploaded (libgreet, tool), 0 already there");
        output.ShouldNotContain($"{site.HostName(1)}: vendor:");
        var release = site.Current(0);
        var shared = Path.Combine(site.DeployTo(0), "shared", "vendor");
        var releaseDir = Path.Combine(site.DeployTo(0), "releases", release);
        new DirectoryInfo(Path.Combine(releaseDir, "vendor", "tool")).LinkTarget.ShouldBe(Path.Combine(shared, toolKey));
        new DirectoryInfo(Path.Combine(releaseDir, "vendor", "libgreet")).LinkTarget.ShouldBe(Path.Combine(shared, libKey));
        // The after_update hook ran the vendored program from the release, which read its vendored dependency.
        (await File.ReadAllTextAsync(Path.Combine(releaseDir, "from-tool.txt"), ct)).Trim().ShouldBe("tool says: hello from libgreet");
        Directory.GetFileSystemEntries(shared).Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe(new[] { libKey, toolKey }.Order(StringComparer.Ordinal));
        // The db host has no role that needs them: nothing was sent there.
        Directory.Exists(Path.Combine(site.DeployTo(1), "shared", "vendor")).ShouldBeFalse();
        Directory.Exists(Path.Combine(site.DeployTo(1), "releases", site.Current(1), "vendor")).ShouldBeFalse();
        var inode = await InodeAsync(Path.Combine(shared, toolKey));

        await site.CommitAsync("second", ct);
        (exitCode, output) = await site.RunAsync("deploy", "production");

        exitCode.ShouldBe(0, output);
        output.ShouldContain($"{site.HostName(0)}: vendor: 0 uploaded, 2 already there");
        var second = site.Current(0);
        second.ShouldNotBe(release);
        new DirectoryInfo(Path.Combine(site.DeployTo(0), "releases", second, "vendor", "tool")).LinkTarget.ShouldBe(Path.Combine(shared, toolKey));
        (await InodeAsync(Path.Combine(shared, toolKey))).ShouldBe(inode);
        site.Served(0).ShouldBe("second");
    }

    [Fact(Timeout = 180_000)]
    public async Task A_corrupt_artifact_is_refused_by_the_host_and_the_live_release_stays()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(2, ct);
        var project = new VendorProject(site);
        project.Configure();
        (await site.RunAsync("build")).ExitCode.ShouldBe(0);
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var live = site.Current(0);

        project.Configure(greeting: "hello again");
        (await site.RunAsync("build")).ExitCode.ShouldBe(0);
        var newKey = project.StoredKeys("libgreet").Single(k => Directory.Exists(Path.Combine(site.DeployTo(0), "shared", "vendor", k)) is false);
        var tarball = Path.Combine(project.Store, "libgreet", newKey, "artifact.tar.gz");
        var bytes = await File.ReadAllBytesAsync(tarball, ct);
        bytes[bytes.Length / 2] ^= 0xff;
        await File.WriteAllBytesAsync(tarball, bytes, ct);

        var (exitCode, output) = await site.RunAsync("deploy", "production");

        exitCode.ShouldBe(1, output);
        output.ShouldContain($"{site.HostName(0)}: update: installing the vendored artifacts failed");
        output.ShouldContain($"libgreet {newKey[..12]}: the artifact received hashes to ");
        output.ShouldContain("its manifest says");
        site.ShouldBeUntouched(0, live);
        site.ShouldBeUntouched(1, live);
        var vendor = Path.Combine(site.DeployTo(0), "shared", "vendor");
        Directory.Exists(Path.Combine(vendor, newKey)).ShouldBeFalse();
        Directory.GetFileSystemEntries(vendor, ".*").ShouldBeEmpty(); // no upload or half-unpacked folder left
    }

    [Fact(Timeout = 180_000)]
    public async Task A_package_never_built_or_unsigned_fails_the_update_before_anything_is_sent()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(2, ct);
        var project = new VendorProject(site);
        project.Configure();
        (await site.RunAsync("build")).ExitCode.ShouldBe(0);
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        var live = site.Current(0);

        // A changed step makes a new key that nobody built.
        project.Configure(greeting: "not built");
        var (exitCode, output) = await site.RunAsync("deploy", "production");

        exitCode.ShouldBe(1, output);
        output.ShouldContain("vendor: 0 of 2 artifacts ready");
        output.ShouldContain("vendored artifact libgreet ");
        output.ShouldContain("run `slipway build libgreet` first");
        site.ShouldBeUntouched(0, live);
        site.ShouldBeUntouched(1, live);

        // Built but unsigned, while build.signing.public_key asks for a signature.
        (await site.RunAsync("build")).ExitCode.ShouldBe(0);
        var key = Path.Combine(site.Root, "build.pem");
        var pub = Path.Combine(site.Root, "build.pub.pem");
        (await ProcessTools.RunAsync("openssl", ["genpkey", "-algorithm", "ed25519", "-out", key], ct)).ExitCode.ShouldBe(0);
        (await ProcessTools.RunAsync("openssl", ["pkey", "-in", key, "-pubout", "-out", pub], ct)).ExitCode.ShouldBe(0);
        project.Configure(greeting: "not built", signing: $"signing: {{ public_key: {pub} }}");
        (exitCode, output) = await site.RunAsync("deploy", "production");

        exitCode.ShouldBe(1, output);
        output.ShouldContain("refused: its manifest is not signed");
        site.ShouldBeUntouched(0, live);

        // Signed with that key: accepted.
        project.Configure(greeting: "signed", signing: $"signing: {{ key: {key}, public_key: {pub} }}");
        (await site.RunAsync("build")).ExitCode.ShouldBe(0);
        (exitCode, output) = await site.RunAsync("deploy", "production");
        exitCode.ShouldBe(0, output);
        (await File.ReadAllTextAsync(Path.Combine(site.DeployTo(0), "current", "from-tool.txt"), ct)).Trim().ShouldBe("tool says: signed");
    }

    [Fact(Timeout = 180_000)]
    public async Task Check_and_a_dry_run_name_the_vendored_artifacts_missing_from_the_store_before_a_deploy()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(2, ct);
        var project = new VendorProject(site);
        project.Configure();

        var (exitCode, output) = await site.RunAsync("check", "production");

        exitCode.ShouldBe(1, output);
        output.ShouldContain($"{site.HostName(0)}: check: 2 problems found");
        output.ShouldContain("missing: vendored artifact libgreet ");
        output.ShouldContain("not in the local store (never built); run `slipway build libgreet` first");
        output.ShouldContain("missing: vendored artifact tool ");
        output.ShouldNotContain($"{site.HostName(1)}: check:"); // the db host needs neither
        Directory.Exists(project.Store).ShouldBeFalse(); // nothing was built or fetched

        (exitCode, output) = await site.RunAsync("deploy", "production", "--dry-run");

        exitCode.ShouldBe(1, output);
        output.ShouldContain("Vendored artifacts (docs/build.md)");
        output.ShouldContain("for web: a deploy would fail: not in the local store (never built); run `slipway build libgreet` first");
        output.ShouldContain($"a deploy would fail its update on {site.HostName(0)}: vendored artifacts libgreet, tool not available");

        (await site.RunAsync("build")).ExitCode.ShouldBe(0);
        var libKey = project.StoredKeys("libgreet").ShouldHaveSingleItem();
        var toolKey = project.StoredKeys("tool").ShouldHaveSingleItem();

        (exitCode, output) = await site.RunAsync("check", "production");
        exitCode.ShouldBe(0, output);
        (exitCode, output) = await site.RunAsync("deploy", "production", "--dry-run");
        exitCode.ShouldBe(0, output);
        output.ShouldContain($"libgreet {libKey[..12]} for web: ready in the local store");
        output.ShouldContain($"-- vendor: libgreet {libKey[..12]}, tool {toolKey[..12]}");
        site.Current(0).ShouldBe(""); // neither check nor a dry run deployed anything
    }

    [Fact(Timeout = 240_000)]
    public async Task Vendored_keys_that_no_kept_release_links_are_removed_with_the_releases()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(2, ct);
        var project = new VendorProject(site);
        var vendor = Path.Combine(site.DeployTo(0), "shared", "vendor");
        var generations = new List<string[]>();
        foreach (var greeting in (string[])["one", "two", "three"])
        {
            project.Configure(greeting: greeting, keep: 1);
            (await site.RunAsync("build")).ExitCode.ShouldBe(0);
            string New(string package) => project.StoredKeys(package).Single(k => generations.All(g => !g.Contains(k)));
            string[] keys = [New("libgreet"), New("tool")];
            generations.Add(keys);
            await site.CommitAsync(greeting, ct);
            var (exitCode, output) = await site.RunAsync("deploy", "production");
            exitCode.ShouldBe(0, output);
        }

        // keep_releases 1 keeps the live release and the one before it (the rollback target): the first is gone, and
        // with it the keys only it linked; the second's keys stay, so a rollback still finds them.
        Directory.GetDirectories(Path.Combine(site.DeployTo(0), "releases")).Length.ShouldBe(2);
        Directory.GetDirectories(vendor).Select(Path.GetFileName).Order(StringComparer.Ordinal)
            .ShouldBe(generations[1].Concat(generations[2]).Order(StringComparer.Ordinal));
        (await site.RunAsync("rollback", "production")).ExitCode.ShouldBe(0);
        (await File.ReadAllTextAsync(Path.Combine(site.DeployTo(0), "current", "from-tool.txt"), ct)).Trim().ShouldBe("tool says: two");
    }

    [Fact(Timeout = 240_000)]
    public async Task With_hosts_fetch_the_hosts_download_the_artifacts_from_the_shared_store_themselves()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var s3 = await S3rverServer.StartAsync(ct);
        // slipway build and deploy run in this process and read the usual AWS variables (s3rver's fixed pair).
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", S3rverServer.AccessKeyId);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", S3rverServer.SecretAccessKey);
        await using var site = await DeploySite.StartAsync(2, ct);
        var project = new VendorProject(site);
        project.Configure(signing: $"s3: {{ url: s3://{s3.Bucket}/vendor, endpoint: {s3.Endpoint}, hosts_fetch: true }}");
        var (exitCode, output) = await site.RunAsync("build");
        exitCode.ShouldBe(0, output);
        output.ShouldContain("2 pushed");
        var libKey = project.StoredKeys("libgreet").ShouldHaveSingleItem();
        Directory.Delete(project.Store, recursive: true); // the deploying machine keeps no copy

        (exitCode, output) = await site.RunAsync("deploy", "production");

        exitCode.ShouldBe(0, output + site.Fixture.ServerLogs());
        output.ShouldContain($"{site.HostName(0)}: vendor: 0 uploaded, 2 fetched from the shared store (libgreet, tool), 0 already there");
        (await File.ReadAllTextAsync(Path.Combine(site.DeployTo(0), "current", "from-tool.txt"), ct)).Trim().ShouldBe("tool says: hello from libgreet");
        Directory.Exists(Path.Combine(site.DeployTo(0), "shared", "vendor", libKey)).ShouldBeTrue();
        project.StoredKeys("libgreet").ShouldBeEmpty(); // nothing was downloaded here
        Directory.Exists(Path.Combine(site.DeployTo(1), "shared", "vendor")).ShouldBeFalse();
    }

    private static async Task<long> InodeAsync(string path)
    {
        var (code, stdout, _) = await ProcessTools.RunAsync("stat", ["-c", "%i", path], TestContext.Current.CancellationToken);
        code.ShouldBe(0);
        return long.Parse(stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Two packages from local folders: libgreet (a data file) and tool (a shell program that reads libgreet's file
    /// through the release's vendor/libgreet link), tool deployed to the hosts with role web, libgreet with it as its
    /// dependency.
    /// </summary>
    private sealed class VendorProject
    {
        private readonly DeploySite _site;

        public VendorProject(DeploySite site)
        {
            _site = site;
            Directory.CreateDirectory(Path.Combine(site.Root, "pkg", "libgreet"));
            Directory.CreateDirectory(Path.Combine(site.Root, "pkg", "tool"));
            File.WriteAllText(Path.Combine(site.Root, "pkg", "libgreet", "README"), "libgreet\n");
            File.WriteAllText(Path.Combine(site.Root, "pkg", "tool", "tool.sh"),
                "#!/bin/sh -e\ngreeting=$(cat \"$SLIPWAY_RELEASE_PATH/vendor/libgreet/share/greeting\")\nprintf 'tool says: %s\\n' \"$greeting\"\n");
        }

        public string Store => Path.Combine(_site.Root, "artifacts");

        public IReadOnlyList<string> StoredKeys(string package)
        {
            var dir = Path.Combine(Store, package);
            return Directory.Exists(dir) ? [.. Directory.GetDirectories(dir).Select(Path.GetFileName).OfType<string>()] : [];
        }

        public void Configure(string greeting = "hello from libgreet", string signing = "", int keep = 5)
        {
            _site.Configure($$"""
                hooks:
                  after_update:
                    - { run: "vendor/tool/bin/tool > from-tool.txt", roles: [web] }
                build:
                  store: {{Store}}
                  {{signing}}
                  packages:
                    libgreet:
                      source: { path: {{Path.Combine(_site.Root, "pkg", "libgreet")}} }
                      steps: ["mkdir -p $PREFIX/share && echo '{{greeting}}' > $PREFIX/share/greeting"]
                    tool:
                      source: { path: {{Path.Combine(_site.Root, "pkg", "tool")}} }
                      depends: [libgreet]
                      roles: [web]
                      steps: ["mkdir -p $PREFIX/bin && cp tool.sh $PREFIX/bin/tool && chmod +x $PREFIX/bin/tool"]
                """, roles: ["web", "db"], keep: keep);
        }
    }
}
