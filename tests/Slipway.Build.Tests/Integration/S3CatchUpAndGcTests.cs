using Slipway.Testing;

namespace Slipway.Build.Tests.Integration;

/// <summary>
/// The shared store against a real s3rver on 127.0.0.1: what was built while it was down is pushed by the next build
/// once it is back (though that build finds everything locally), and <c>artifacts gc --s3</c> prunes it.
/// </summary>
public sealed class S3CatchUpAndGcTests
{
    private const string Prefix = "team/artifacts";

    [Fact(Timeout = 180_000)]
    public async Task Artifacts_built_while_s3_was_down_are_pushed_by_the_next_build_once_it_is_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await S3rverServer.StartAsync(ct);
        using var world = await BuildWorld.CreateAsync(ct);
        await server.StopAsync(ct);

        // Given a build while the server is down: everything is built, nothing pushed
        using (var down = world.Builder("work", world.Folder("store"), S3Support.Remote(S3Support.Settings(server, Prefix), TimeSpan.FromSeconds(1))))
        {
            var built = await down.BuildAsync(await down.PlanAsync(world.Recipes(), [], ct), ct);
            built.Succeeded.ShouldBeTrue(string.Join('\n', built.Packages.Select(p => p.Error + p.LogTail)));
            built.Summary().ShouldStartWith("3 packages: 0 cached (0 local, 0 s3), 3 built, 0 failed; s3: 0 hits, 0 misses, 3 errors, 0 pushed, 3 not pushed (look-up of libgreet failed: cannot reach");
        }

        // When it is back and the same machine builds again (everything is in its local store)
        await server.StartAgainAsync(ct);
        (await S3Support.KeysAsync(server, Prefix, ct)).ShouldBeEmpty();
        using (var back = world.Builder("work", world.Folder("store"), S3Support.Remote(S3Support.Settings(server, Prefix))))
        {
            var result = await back.BuildAsync(await back.PlanAsync(world.Recipes(), [], ct), ct);

            // Then the three left over are pushed, and said so
            result.Summary().ShouldBe("3 packages: 3 cached (3 local, 0 s3), 0 built, 0 failed; s3: 0 hits, 0 misses, 0 errors, 3 pushed (3 left over from earlier runs)");
        }

        (await S3Support.KeysAsync(server, Prefix, ct)).Count(k => k.EndsWith("/manifest.json", StringComparison.Ordinal)).ShouldBe(3);

        // And only once: the next run has nothing left to push
        using (var again = world.Builder("work", world.Folder("store"), S3Support.Remote(S3Support.Settings(server, Prefix))))
        {
            (await again.BuildAsync(await again.PlanAsync(world.Recipes(), [], ct), ct)).Summary()
                .ShouldBe("3 packages: 3 cached (3 local, 0 s3), 0 built, 0 failed; s3: 0 hits, 0 misses, 0 errors, 0 pushed");
        }

        // And a fresh machine fetches all three instead of building them
        using var fresh = world.Builder("work-b", world.Folder("store-b"), S3Support.Remote(S3Support.Settings(server, Prefix)));
        (await fresh.BuildAsync(await fresh.PlanAsync(world.Recipes(), [], ct), ct)).Summary()
            .ShouldBe("3 packages: 3 cached (0 local, 3 s3), 0 built, 0 failed; s3: 3 hits, 0 misses, 0 errors, 0 pushed");
    }

    [Fact(Timeout = 180_000)]
    public async Task Gc_on_s3_keeps_the_newest_artifacts_of_each_package_and_removes_the_others_tarballs()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await S3rverServer.StartAsync(ct);
        using var world = await BuildWorld.CreateAsync(ct);
        using (var first = world.Builder("work", world.Folder("store"), S3Support.Remote(S3Support.Settings(server, Prefix))))
        {
            (await first.BuildAsync(await first.PlanAsync(world.Recipes(), [], ct), ct)).Succeeded.ShouldBeTrue();
        }

        // A changed patch: new libgreet and hello artifacts; tool unchanged.
        await world.WritePatchAsync("Howdy", ct);
        Dictionary<string, string> newest;
        using (var second = world.Builder("work", world.Folder("store"), S3Support.Remote(S3Support.Settings(server, Prefix))))
        {
            var plan = await second.PlanAsync(world.Recipes(), [], ct);
            (await second.BuildAsync(plan, ct)).Summary().ShouldEndWith("2 built, 0 failed; s3: 0 hits, 2 misses, 0 errors, 2 pushed");
            newest = plan.Packages.ToDictionary(p => p.Name, p => p.Key.Key);
        }

        static int Manifests(List<string> keys) => keys.Count(k => k.EndsWith("/manifest.json", StringComparison.Ordinal));
        static int Blobs(List<string> keys) => keys.Count(k => k.Contains("/.blobs/", StringComparison.Ordinal));
        var before = await S3Support.KeysAsync(server, Prefix, ct);
        (Manifests(before), Blobs(before)).ShouldBe((5, 5));
        var remote = S3Support.Remote(S3Support.Settings(server, Prefix));
        using var store = remote.Store;

        var wouldGo = await remote.PruneAsync(1, dryRun: true, ct);
        wouldGo.Select(m => m.Package).ShouldBe(["hello", "libgreet"]);
        wouldGo.ShouldAllBe(m => m.Key != newest[m.Package]);
        (await S3Support.KeysAsync(server, Prefix, ct)).Count.ShouldBe(10);

        var removed = await remote.PruneAsync(1, dryRun: false, ct);

        removed.Select(m => m.Key).ShouldBe(wouldGo.Select(m => m.Key));
        var after = await S3Support.KeysAsync(server, Prefix, ct);
        (Manifests(after), Blobs(after)).ShouldBe((3, 3));
        after.ShouldAllBe(k => !removed.Any(m => k.Contains(m.Key, StringComparison.Ordinal) || k.Contains(m.ArtifactSha256, StringComparison.Ordinal)));
        // What is left is whole: a fresh machine fetches the newest of each package.
        using var fresh = world.Builder("work-b", world.Folder("store-b"), S3Support.Remote(S3Support.Settings(server, Prefix)));
        (await fresh.BuildAsync(await fresh.PlanAsync(world.Recipes(), [], ct), ct)).Summary()
            .ShouldBe("3 packages: 3 cached (0 local, 3 s3), 0 built, 0 failed; s3: 3 hits, 0 misses, 0 errors, 0 pushed");
    }
}
