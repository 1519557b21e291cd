using Slipway.Build.Recipes;

namespace Slipway.Build.Tests.Integration;

/// <summary>
/// The digest cache and git refs read from files make an unchanged plan read and start next to nothing, and never
/// change what a key is: a file changed behind the cache's back, or a moved tag, still changes the key.
/// </summary>
public sealed class PlanCacheTests
{
    [Fact(Timeout = 120_000)]
    public async Task A_second_plan_hashes_no_file_and_a_patch_rewritten_with_its_old_size_and_time_still_changes_the_key()
    {
        var ct = TestContext.Current.CancellationToken;
        using var world = await BuildWorld.CreateAsync(ct);
        var later = new DigestCacheTests.LaterClock();
        using var first = world.Builder("work", world.StoreDirectory, null, time: later);
        var plan = await first.PlanAsync(world.Recipes(), [], ct);
        first.FilesHashed.ShouldBe(2); // the patch and gcc

        // Branches of repositories on this machine are read from their files: no mirror was needed to decide.
        Directory.Exists(world.Folder("work/git")).ShouldBeFalse();
        using var second = world.Builder("work", world.StoreDirectory, null, time: later);
        (await second.PlanAsync(world.Recipes(), [], ct)).Packages.Select(p => p.Key.Key).ShouldBe(plan.Packages.Select(p => p.Key.Key));
        second.FilesHashed.ShouldBe(0);

        var patch = Path.Combine(world.RecipeDirectory, "patches", BuildWorld.ShoutPatch);
        var (size, mtime) = (new FileInfo(patch).Length, File.GetLastWriteTimeUtc(patch));
        await world.WritePatchAsync("HOWDY", ct);
        File.SetLastWriteTimeUtc(patch, mtime);
        new FileInfo(patch).Length.ShouldBe(size);

        using var third = world.Builder("work", world.StoreDirectory, null, time: later);
        var changed = await third.PlanAsync(world.Recipes(), [], ct);
        third.FilesHashed.ShouldBe(1);
        changed["libgreet"].Key.Key.ShouldNotBe(plan["libgreet"].Key.Key);
        changed["hello"].Key.Key.ShouldNotBe(plan["hello"].Key.Key);
        changed["tool"].Key.Key.ShouldBe(plan["tool"].Key.Key);

        // The same keys as a machine without any cache computes.
        using var fresh = world.Builder("fresh-work", world.StoreDirectory, null);
        (await fresh.PlanAsync(world.Recipes(), [], ct)).Packages.Select(p => p.Key.Key).ShouldBe(changed.Packages.Select(p => p.Key.Key));
    }

    [Fact(Timeout = 120_000)]
    public async Task An_annotated_tag_is_peeled_by_git_once_and_a_moved_tag_is_seen_at_once()
    {
        var ct = TestContext.Current.CancellationToken;
        using var world = await BuildWorld.CreateAsync(ct);
        await world.Library.GitAsync(ct, "-c", "user.name=Test", "-c", "user.email=test@example.org", "tag", "-a", "-m", "one", "v1");
        var tagged = (await world.Library.GitAsync(ct, "rev-parse", "v1^{commit}")).Trim();
        IReadOnlyList<PackageRecipe> Tagged() =>
            [world.Recipes()[0] with { Source = SourceSpec.Git(world.Library.Path, "v1") }];

        using (var first = world.Builder())
        {
            (await first.PlanAsync(Tagged(), [], ct)).Packages.Single().Key.Inputs[0].Value.ShouldBe("git " + tagged);
        }

        Directory.Exists(world.Folder("work/git")).ShouldBeTrue(); // the tag object was peeled in the mirror
        Directory.Delete(world.Folder("work/git"), recursive: true);
        using (var second = world.Builder())
        {
            (await second.PlanAsync(Tagged(), [], ct)).Packages.Single().Key.Inputs[0].Value.ShouldBe("git " + tagged);
        }

        Directory.Exists(world.Folder("work/git")).ShouldBeFalse(); // remembered: no git process, no mirror

        var moved = await world.Library.CommitAsync(new Dictionary<string, string> { ["README"] = "docs\n" }, "docs", ct);
        await world.Library.GitAsync(ct, "-c", "user.name=Test", "-c", "user.email=test@example.org", "tag", "-f", "-a", "-m", "two", "v1");
        using var third = world.Builder();
        var plan = await third.PlanAsync(Tagged(), [], ct);
        plan.Packages.Single().Key.Inputs[0].Value.ShouldBe("git " + moved);
        plan.Packages.Single().Reason.ShouldBe("never built");
    }
}
