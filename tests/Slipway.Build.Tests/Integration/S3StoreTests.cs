using System.Diagnostics;
using System.Text;
using Slipway.Build.Building;
using Slipway.Build.Store.Signing;
using Slipway.Testing;

namespace Slipway.Build.Tests.Integration;

/// <summary>
/// The S3 store against a real S3-compatible server (s3rver) on 127.0.0.1: the libgreet/hello/tool world of
/// <see cref="BuildWorld"/> built by one machine, fetched by another, with the server hung, refusing credentials,
/// read-only, or holding an artifact that does not match its manifest.
/// </summary>
public sealed class S3StoreTests
{
    private const string Prefix = "team/artifacts";

    [Fact(Timeout = 180_000)]
    public async Task What_one_machine_built_and_pushed_a_fresh_machine_fetches_from_s3_instead_of_building()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await S3rverServer.StartAsync(ct);
        using var world = await BuildWorld.CreateAsync(ct);

        // Given a machine that built everything with the S3 store behind its local one
        using (var first = world.Builder("work-a", world.Folder("store-a"), S3Support.Remote(S3Support.Settings(server, Prefix))))
        {
            var built = await first.BuildAsync(await first.PlanAsync(world.Recipes(), [], ct), ct);
            built.Summary().ShouldBe("3 packages: 0 cached (0 local, 0 s3), 3 built, 0 failed; s3: 0 hits, 3 misses, 0 errors, 3 pushed",
                string.Join('\n', built.Packages.Select(p => p.Error + p.LogTail)));
        }

        var keys = await S3Support.KeysAsync(server, Prefix, ct);
        keys.Count(k => k.EndsWith("/manifest.json", StringComparison.Ordinal)).ShouldBe(3);
        keys.Count(k => k.Contains("/.blobs/", StringComparison.Ordinal) && k.EndsWith(".tar.gz", StringComparison.Ordinal)).ShouldBe(3);

        // When a second machine (its own work folder and an empty local store) plans and builds
        using var second = world.Builder("work-b", world.Folder("store-b"), S3Support.Remote(S3Support.Settings(server, Prefix)));
        var plan = await second.PlanAsync(world.Recipes(), [], ct);
        var result = await second.BuildAsync(plan, ct);

        // Then nothing is built: every package comes from s3, verified, into its local store
        plan.Packages.Select(p => (p.Name, p.Where)).ShouldBe([("libgreet", "s3"), ("hello", "s3"), ("tool", "s3")]);
        result.Summary().ShouldBe("3 packages: 3 cached (0 local, 3 s3), 0 built, 0 failed; s3: 3 hits, 0 misses, 0 errors, 0 pushed");
        var target = world.Folder("deploy");
        await second.Store.UnpackAsync((await second.Store.FindAsync("hello", plan["hello"].Key.Key, ct))!, target, ct);
        (await ProcessTools.RunAsync(Path.Combine(target, "bin", "hello"), [], ct)).Stdout.ShouldBe("HELLO, world\n");

        // And a third run on the second machine finds them locally, without asking s3
        using var third = world.Builder("work-b", world.Folder("store-b"), S3Support.Remote(S3Support.Settings(server, Prefix)));
        (await third.BuildAsync(await third.PlanAsync(world.Recipes(), [], ct), ct)).Summary()
            .ShouldBe("3 packages: 3 cached (3 local, 0 s3), 0 built, 0 failed; s3: 0 hits, 0 misses, 0 errors, 0 pushed");
    }

    [Fact(Timeout = 180_000)]
    public async Task A_store_that_stops_answering_costs_one_time_out_and_the_build_succeeds_reporting_the_fallback()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await S3rverServer.StartAsync(ct);
        using var world = await BuildWorld.CreateAsync(ct);
        await server.PauseAsync(ct);
        var remote = S3Support.Remote(S3Support.Settings(server, Prefix), TimeSpan.FromSeconds(1));
        var warnings = new List<string>();
        remote.Warning += w => { lock (warnings) { warnings.Add(w); } };
        using var builder = world.Builder("work", world.Folder("store"), remote);

        var clock = Stopwatch.StartNew();
        var plan = await builder.PlanAsync(world.Recipes(), [], ct);
        var planned = clock.Elapsed;
        var result = await builder.BuildAsync(plan, ct);

        // One look-up waits out the 1 s time-out; the others are not asked (not three time-outs in a row).
        planned.ShouldBeLessThan(TimeSpan.FromSeconds(3));
        planned.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9));
        plan.Packages.Select(p => p.Reason).ShouldBe(["never built", "never built", "never built"]);
        result.Succeeded.ShouldBeTrue(string.Join('\n', result.Packages.Select(p => p.Error + p.LogTail)));
        result.Summary().ShouldBe("3 packages: 0 cached (0 local, 0 s3), 3 built, 0 failed; " +
            "s3: 0 hits, 0 misses, 3 errors, 0 pushed, 3 not pushed (look-up of libgreet timed out after 1s)");
        warnings.ShouldBe([$"s3://{server.Bucket}/{Prefix}: look-up of libgreet timed out after 1s; building instead, and not asking it again in this run"]);
    }

    // s3rver 3.7 checks the access key id but not SigV4 signatures (its source says "unimplemented"), so a wrong secret
    // cannot be shown refused here; the same message covers SignatureDoesNotMatch from a server that checks.
    [Fact(Timeout = 180_000)]
    public async Task Wrong_credentials_are_a_clear_error_and_the_packages_are_built_instead()
    {
        const string keyId = "NOBODY", secret = S3rverServer.SecretAccessKey, code = "InvalidAccessKeyId";
        var ct = TestContext.Current.CancellationToken;
        await using var server = await S3rverServer.StartAsync(ct);
        using var world = await BuildWorld.CreateAsync(ct);
        var remote = S3Support.Remote(S3Support.Settings(server, Prefix, accessKeyId: keyId, secret: secret));
        var warnings = new List<string>();
        remote.Warning += warnings.Add;
        using var builder = world.Builder("work", world.Folder("store"), remote);

        var result = await builder.BuildAsync(await builder.PlanAsync(world.Recipes(), ["libgreet"], ct), ct);

        result.Succeeded.ShouldBeTrue();
        var warning = warnings.ShouldHaveSingleItem();
        warning.ShouldStartWith($"s3://{server.Bucket}/{Prefix}: look-up of libgreet failed: s3://{server.Bucket}/{Prefix} refused the credentials ({code}: ");
        warning.ShouldContain("check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE or build.s3.profile");
        result.Summary().ShouldStartWith("1 packages: 0 cached (0 local, 0 s3), 1 built, 0 failed; s3: 0 hits, 0 misses, 1 error, 0 pushed, 1 not pushed (");
        (await S3Support.KeysAsync(server, Prefix, ct)).ShouldBeEmpty();
    }

    [Fact(Timeout = 180_000)]
    public async Task A_read_only_store_is_read_but_never_written()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await S3rverServer.StartAsync(ct);
        using var world = await BuildWorld.CreateAsync(ct);
        using (var writer = world.Builder("work-a", world.Folder("store-a"), S3Support.Remote(S3Support.Settings(server, Prefix))))
        {
            (await writer.BuildAsync(await writer.PlanAsync(world.Recipes(), ["tool"], ct), ct)).Succeeded.ShouldBeTrue();
        }

        var before = await S3Support.KeysAsync(server, Prefix, ct);
        using var reader = world.Builder("work-b", world.Folder("store-b"), S3Support.Remote(S3Support.Settings(server, Prefix, readOnly: true)));

        var result = await reader.BuildAsync(await reader.PlanAsync(world.Recipes(), [], ct), ct);

        result.Summary().ShouldBe("3 packages: 1 cached (0 local, 1 s3), 2 built, 0 failed; s3: 1 hit, 2 misses, 0 errors, read-only");
        (await S3Support.KeysAsync(server, Prefix, ct)).ShouldBe(before);
    }

    [Fact(Timeout = 180_000)]
    public async Task An_artifact_that_does_not_match_its_manifest_is_not_used_and_the_package_is_built()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await S3rverServer.StartAsync(ct);
        using var world = await BuildWorld.CreateAsync(ct);
        string key, sha;
        using (var writer = world.Builder("work-a", world.Folder("store-a"), S3Support.Remote(S3Support.Settings(server, Prefix))))
        {
            var plan = await writer.PlanAsync(world.Recipes(), ["tool"], ct);
            key = plan["tool"].Key.Key;
            (await writer.BuildAsync(plan, ct)).Succeeded.ShouldBeTrue();
            sha = (await writer.Store.FindAsync("tool", key, ct))!.ArtifactSha256;
        }

        await S3Support.PutAsync(server, $"{Prefix}/.blobs/{sha[..2]}/{sha}.tar.gz", Encoding.UTF8.GetBytes("not the artifact"), ct);
        using var reader = world.Builder("work-b", world.Folder("store-b"), S3Support.Remote(S3Support.Settings(server, Prefix)));

        var result = await reader.BuildAsync(await reader.PlanAsync(world.Recipes(), ["tool"], ct), ct);

        result["tool"].Status.ShouldBe(PackageStatus.Built);
        result["tool"].Reason.ShouldStartWith($"download of tool failed: s3://{server.Bucket}/{Prefix}/.blobs/{sha[..2]}/{sha}.tar.gz hashes to ");
        (await reader.Store.FindAsync("tool", key, ct)).ShouldNotBeNull().ArtifactSha256.ShouldNotBe(
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("not the artifact"))));
    }

    [Fact(Timeout = 180_000)]
    public async Task A_consumer_with_a_public_key_takes_signed_artifacts_and_refuses_unsigned_or_foreign_ones()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await S3rverServer.StartAsync(ct);
        using var world = await BuildWorld.CreateAsync(ct);
        var ours = ManifestSigner.FromSeed([.. Enumerable.Range(1, 32).Select(i => (byte)i)]);
        var theirs = ManifestSigner.FromSeed(new byte[32]);
        // Given tool signed with our key, libgreet signed with another key, and hello unsigned
        async Task PublishAsync(string package, ManifestSigner? signer, string work)
        {
            using var writer = world.Builder(work, world.Folder("store-" + work), S3Support.Remote(S3Support.Settings(server, Prefix)), signer: signer);
            (await writer.BuildAsync(await writer.PlanAsync(world.Recipes(), [package], ct), ct)).Succeeded.ShouldBeTrue();
        }

        await PublishAsync("tool", ours, "a");
        await PublishAsync("libgreet", theirs, "b");
        await PublishAsync("hello", null, "c"); // fetches libgreet from s3 (this writer checks no signatures)
        var verifier = ManifestVerifier.Parse(ours.PublicKeyBase64);
        var remote = S3Support.Remote(S3Support.Settings(server, Prefix), verifier: verifier);
        var warnings = new List<string>();
        remote.Warning += w => { lock (warnings) { warnings.Add(w); } };

        // When a consumer with our public key plans
        using var consumer = world.Builder("d", world.Folder("store-d"), remote);
        var plan = await consumer.PlanAsync(world.Recipes(), [], ct);

        // Then only the artifact signed with our key is taken; the others are refused by name and built
        plan.Packages.Select(p => (p.Name, p.Where)).ShouldBe([("libgreet", null), ("hello", null), ("tool", "s3")]);
        warnings.Order(StringComparer.Ordinal).ShouldBe([
            $"s3://{server.Bucket}/{Prefix}: hello {plan["hello"].Key.Key[..12]} refused: its manifest is not signed, and build.signing.public_key (key {verifier.KeyId}) requires a signature; building it instead",
            $"s3://{server.Bucket}/{Prefix}: libgreet {plan["libgreet"].Key.Key[..12]} refused: its manifest is signed by key {theirs.KeyId}, not by build.signing.public_key (key {verifier.KeyId}); building it instead",
        ]);
        remote.Refused.ShouldBe(2);
    }
}
