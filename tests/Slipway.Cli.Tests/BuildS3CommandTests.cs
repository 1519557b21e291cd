using System.Diagnostics;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Slipway.Testing;

namespace Slipway.Cli.Tests;

/// <summary>
/// <c>slipway build</c> with <c>build.s3</c> against a real S3-compatible server (s3rver on 127.0.0.1), run as a
/// separate process (credentials come from its environment, and one test kills it in the middle of an upload).
/// </summary>
public sealed class BuildS3CommandTests : IDisposable
{
    private const string Prefix = "ci";
    private readonly TempDir _dir = new("slw-builds3-");

    public void Dispose() => _dir.Dispose();

    [Fact(Timeout = 120_000)]
    public async Task A_fresh_clone_gets_what_another_pushed_from_s3_and_the_closing_line_says_so()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await S3rverServer.StartAsync(ct);
        var first = Project("a", server, "mkdir -p $PREFIX/share && echo tiny > $PREFIX/share/tiny.txt");

        var built = await SlipwayAsync(ct, "build", "-f", first);

        built.Stdout.ShouldBe("1 packages: 0 cached (0 local, 0 s3), 1 built, 0 failed; s3: 0 hits, 1 miss, 0 errors, 1 pushed\n", built.Stderr);
        var clone = Project("b", server, "mkdir -p $PREFIX/share && echo tiny > $PREFIX/share/tiny.txt");
        var explain = await SlipwayAsync(ct, "build", "--explain", "-f", clone);
        explain.Stdout.ShouldBe("pkg: cached (s3)\n1 packages: 1 cached (1 s3), 0 to build\n", explain.Stderr);

        var fetched = await SlipwayAsync(ct, "build", "-f", clone);

        fetched.ExitCode.ShouldBe(0, fetched.Stderr);
        fetched.Stderr.ShouldContain("pkg: cached (s3)");
        fetched.Stdout.ShouldBe("1 packages: 1 cached (0 local, 1 s3), 0 built, 0 failed; s3: 1 hit, 0 misses, 0 errors, 0 pushed\n");
    }

    [Fact(Timeout = 120_000)]
    public async Task A_build_killed_during_its_upload_leaves_nothing_under_the_final_key()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await S3rverServer.StartAsync(ct);
        // 48 MB that gzip cannot shrink: the upload takes long enough to be caught in the middle.
        const string Big = "mkdir -p $PREFIX/share && head -c 48000000 /dev/urandom > $PREFIX/share/blob";
        var file = Project("a", server, Big);
        var log = Path.Combine(_dir.Path, "a", ".slipway", "build", "logs", "pkg.log");
        using var build = Start(file);

        // When the build has started uploading: hold the server still so the upload cannot finish, kill the build
        var uploading = await Eventually.ForAsync(
            () => File.Exists(log) && ReadShared(log).Contains("== uploading to", StringComparison.Ordinal), TimeSpan.FromSeconds(90), ct);
        uploading.ShouldBeTrue($"the build never started uploading; its log:\n{(File.Exists(log) ? ReadShared(log) : "(none)")}");
        await server.PauseAsync(ct);
        build.Kill(entireProcessTree: true);
        await build.WaitForExitAsync(ct);
        await server.ResumeAsync(ct);

        // Then no manifest (the only object under a package's key) was published
        var keys = await KeysAsync(server, ct);
        keys.ShouldNotContain(k => k.StartsWith($"{Prefix}/pkg/", StringComparison.Ordinal), string.Join('\n', keys));

        // And a fresh clone finds nothing in s3, builds, and publishes the key whole
        var clone = Project("b", server, Big);
        var rebuilt = await SlipwayAsync(ct, "build", "-f", clone);
        rebuilt.Stdout.ShouldBe("1 packages: 0 cached (0 local, 0 s3), 1 built, 0 failed; s3: 0 hits, 1 miss, 0 errors, 1 pushed\n", rebuilt.Stderr);
        (await KeysAsync(server, ct)).Count(k => k.StartsWith($"{Prefix}/pkg/", StringComparison.Ordinal)).ShouldBe(1);
        var third = await SlipwayAsync(ct, "build", "-f", Project("c", server, Big));
        third.Stdout.ShouldStartWith("1 packages: 1 cached (0 local, 1 s3)", Case.Sensitive, third.Stderr);
    }

    [Fact(Timeout = 120_000)]
    public async Task Gc_with_s3_prunes_the_shared_store_and_keeps_the_newest_artifact()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await S3rverServer.StartAsync(ct);
        var file = Project("a", server, "mkdir -p $PREFIX/share && echo one > $PREFIX/share/v.txt");
        (await SlipwayAsync(ct, "build", "-f", file)).ExitCode.ShouldBe(0);
        file = Project("a", server, "mkdir -p $PREFIX/share && echo two > $PREFIX/share/v.txt");
        (await SlipwayAsync(ct, "build", "-f", file)).ExitCode.ShouldBe(0);
        (await KeysAsync(server, ct)).Count.ShouldBe(4); // two manifests, two tarballs

        var dry = await SlipwayAsync(ct, "artifacts", "gc", "--s3", "--keep", "1", "--dry-run", "-f", file);
        dry.ExitCode.ShouldBe(0, dry.Stderr);
        dry.Stdout.ShouldContain($"1 artifact would be removed, keeping the 1 newest of each package in s3://{server.Bucket}/{Prefix}");
        (await KeysAsync(server, ct)).Count.ShouldBe(4);

        var gc = await SlipwayAsync(ct, "artifacts", "gc", "--s3", "--keep", "1", "-f", file);

        gc.ExitCode.ShouldBe(0, gc.Stderr);
        gc.Stdout.ShouldStartWith("removed pkg ");
        (await KeysAsync(server, ct)).Count.ShouldBe(2);
        // The local store is another store: untouched.
        Directory.GetDirectories(Path.Combine(_dir.Path, "a", ".slipway", "artifacts", "pkg")).Length.ShouldBe(2);
        var clone = await SlipwayAsync(ct, "build", "-f", Project("b", server, "mkdir -p $PREFIX/share && echo two > $PREFIX/share/v.txt"));
        clone.Stdout.ShouldStartWith("1 packages: 1 cached (0 local, 1 s3)", Case.Sensitive, clone.Stderr);
    }

    [Fact(Timeout = 120_000)]
    public async Task An_unknown_access_key_is_a_warning_that_names_it_and_the_build_succeeds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await S3rverServer.StartAsync(ct);
        var file = Project("a", server, "mkdir -p $PREFIX/share && echo tiny > $PREFIX/share/tiny.txt");

        var result = await SlipwayAsKeyAsync(["build", "-f", file], "NOBODY", ct);

        result.ExitCode.ShouldBe(0, result.Stderr);
        result.Stderr.ShouldContain($"slipway: warning: s3://{server.Bucket}/{Prefix}: look-up of pkg failed: s3://{server.Bucket}/{Prefix} refused the credentials (InvalidAccessKeyId: ");
        result.Stdout.ShouldStartWith("1 packages: 0 cached (0 local, 0 s3), 1 built, 0 failed; s3: 0 hits, 0 misses, 1 error, 0 pushed, 1 not pushed (");
    }

    private string Project(string name, S3rverServer server, string step)
    {
        _dir.Write($"{name}/src/README", "a package\n");
        return _dir.Write($"{name}/slipway.yml", $"""
            application: mysite
            deploy_to: /srv/mysite
            stages:
              local:
                hosts: [{"{"} host: localhost, transport: local {"}"}]
            build:
              s3: {"{"} url: s3://{server.Bucket}/{Prefix}, endpoint: {server.Endpoint} {"}"}
              packages:
                pkg:
                  source: {"{"} path: src {"}"}
                  steps: ["{step}"]
            """);
    }

    private static Process Start(string file, string keyId = S3rverServer.AccessKeyId)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "slipway.dll"), "build", "--no-color", "-f", file })
        {
            psi.ArgumentList.Add(arg);
        }

        Environment(psi, keyId);
        return Process.Start(psi)!;
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> SlipwayAsync(CancellationToken ct, params string[] args) =>
        await SlipwayAsKeyAsync(args, S3rverServer.AccessKeyId, ct);

    private static async Task<(int ExitCode, string Stdout, string Stderr)> SlipwayAsKeyAsync(string[] args, string keyId, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "slipway.dll"));
        foreach (var arg in args.Append("--no-color"))
        {
            psi.ArgumentList.Add(arg);
        }

        Environment(psi, keyId);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static void Environment(ProcessStartInfo psi, string keyId)
    {
        psi.Environment["AWS_ACCESS_KEY_ID"] = keyId;
        psi.Environment["AWS_SECRET_ACCESS_KEY"] = S3rverServer.SecretAccessKey;
        psi.Environment.Remove("AWS_PROFILE");
        psi.Environment["NO_COLOR"] = "1";
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task<List<string>> KeysAsync(S3rverServer server, CancellationToken ct)
    {
        using var client = new AmazonS3Client(
            new BasicAWSCredentials(S3rverServer.AccessKeyId, S3rverServer.SecretAccessKey),
            new AmazonS3Config
            {
                ServiceURL = server.Endpoint,
                ForcePathStyle = true,
                AuthenticationRegion = "us-east-1",
                RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
                ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            });
        var response = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = server.Bucket, Prefix = Prefix + "/" }, ct);
        return [.. (response.S3Objects ?? []).Select(o => o.Key).Order(StringComparer.Ordinal)];
    }
}
