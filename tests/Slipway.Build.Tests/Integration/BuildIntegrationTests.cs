using Slipway.Build.Building;
using Slipway.Testing;

namespace Slipway.Build.Tests.Integration;

public sealed class BuildIntegrationTests
{
    [Fact(Timeout = 180_000)]
    public async Task Builds_a_patched_library_and_a_program_linking_it_then_rebuilds_exactly_what_a_patch_change_affects()
    {
        var ct = TestContext.Current.CancellationToken;
        using var world = await BuildWorld.CreateAsync(ct);
        using var builder = world.Builder();

        var first = await builder.PlanAsync(world.Recipes(), [], ct);
        first.Packages.Select(p => $"{p.Name}: {p.Reason}").ShouldBe(["libgreet: never built", "hello: never built", "tool: never built"]);
        var built = await builder.BuildAsync(first, ct);
        built.Packages.Select(p => (p.Name, p.Status)).ShouldBe(
            [("libgreet", PackageStatus.Built), ("hello", PackageStatus.Built), ("tool", PackageStatus.Built)],
            string.Join('\n', built.Packages.Select(p => p.Error + p.LogTail)));
        built.Summary().ShouldBe("3 packages: 0 cached, 3 built, 0 failed");
        (await RunHelloAsync(world, builder, first["hello"].Key.Key, ct)).ShouldBe("HELLO, world\n");
        (await File.ReadAllTextAsync(built["hello"].LogPath!, ct)).ShouldContain("== step 2: make install");

        using var again = world.Builder();
        var unchanged = await again.PlanAsync(world.Recipes(), [], ct);
        unchanged.Packages.ShouldAllBe(p => !p.MustBuild);
        (await again.BuildAsync(unchanged, ct)).Summary().ShouldBe("3 packages: 3 cached, 0 built, 0 failed");

        await world.WritePatchAsync("Howdy", ct);
        using var third = world.Builder();
        var changed = await third.PlanAsync(world.Recipes(), [], ct);
        changed.Packages.Select(p => $"{p.Name}: {p.Reason}").ShouldBe(
            ["libgreet: patch 0001-shout.patch changed", "hello: dependency libgreet rebuilt", "tool: cached"]);
        var rebuilt = await third.BuildAsync(changed, ct);
        rebuilt.Packages.Select(p => (p.Name, p.Status)).ShouldBe(
            [("libgreet", PackageStatus.Built), ("hello", PackageStatus.Built), ("tool", PackageStatus.Cached)]);
        (await RunHelloAsync(world, third, changed["hello"].Key.Key, ct)).ShouldBe("Howdy, world\n");
    }

    [Fact(Timeout = 180_000)]
    public async Task A_new_upstream_commit_is_named_and_the_manifest_records_the_inputs()
    {
        var ct = TestContext.Current.CancellationToken;
        using var world = await BuildWorld.CreateAsync(ct);
        using var builder = world.Builder();
        var oldCommit = (await world.Library.GitAsync(ct, "rev-parse", "HEAD")).Trim();
        (await builder.BuildAsync(await builder.PlanAsync(world.Recipes(), ["libgreet"], ct), ct)).Succeeded.ShouldBeTrue();

        var newCommit = await world.Library.CommitAsync(new Dictionary<string, string> { ["README"] = "docs\n" }, "docs", ct);
        using var next = world.Builder();
        var plan = await next.PlanAsync(world.Recipes(), ["libgreet"], ct);

        plan.Packages.Single().Reason.ShouldBe($"new commit {oldCommit[..7]}→{newCommit[..7]}");
        var manifest = plan.Packages.Single().Newest!;
        manifest.Inputs.ShouldContain(i => i.Name == "source" && i.Value == "git " + oldCommit);
        manifest.Inputs.ShouldContain(i => i.Name == "tool gcc");
        manifest.Inputs.ShouldContain(i => i.Name == "env CFLAGS" && i.Value == "(unset)");
        manifest.Files.Select(f => f.Path).ShouldBe(["include/greet.h", "lib/libgreet.a"]);
    }

    [Fact(Timeout = 180_000)]
    public async Task A_clone_in_another_directory_with_another_work_folder_gets_the_same_keys()
    {
        var ct = TestContext.Current.CancellationToken;
        using var world = await BuildWorld.CreateAsync(ct);
        using var builder = world.Builder();
        var plan = await builder.PlanAsync(world.Recipes(), [], ct);

        // Another checkout of the upstream and of the recipes (patch copied), another work folder: nothing path-like in keys.
        var clone = Path.Combine(world.Root, "elsewhere", "libgreet-clone");
        await world.Library.GitAsync(ct, "clone", "--quiet", world.Library.Path, clone);
        var otherRecipes = Path.Combine(world.Root, "elsewhere", "recipes");
        Directory.CreateDirectory(Path.Combine(otherRecipes, "patches"));
        File.Copy(Path.Combine(world.RecipeDirectory, "patches", BuildWorld.ShoutPatch),
            Path.Combine(otherRecipes, "patches", BuildWorld.ShoutPatch));
        using var other = world.Builder("other-work", otherRecipes);
        var otherPlan = await other.PlanAsync(world.Recipes(libraryUrl: clone), [], ct);

        otherPlan.Packages.Select(p => p.Key.Key).ShouldBe(plan.Packages.Select(p => p.Key.Key));
    }

    [Fact(Timeout = 180_000)]
    public async Task A_broken_patch_names_patch_file_and_hunk_and_leaves_nothing_under_the_key()
    {
        var ct = TestContext.Current.CancellationToken;
        using var world = await BuildWorld.CreateAsync(ct);
        await File.WriteAllTextAsync(Path.Combine(world.RecipeDirectory, "patches", "0002-broken.patch"),
            "--- a/greet.c\n+++ b/greet.c\n@@ -3,4 +3,4 @@\n const char *greet(void)\n {\n-    return \"goodbye\";\n+    return \"bye\";\n }\n",
            ct);
        using var builder = world.Builder();
        var plan = await builder.PlanAsync(world.Recipes(patch: "0002-broken.patch"), [], ct);

        var result = await builder.BuildAsync(plan, ct);

        result["libgreet"].Status.ShouldBe(PackageStatus.Failed);
        result["libgreet"].Error.ShouldBe("libgreet: patch 0002-broken.patch does not apply: file greet.c, hunk #1 at line 3");
        result["hello"].Status.ShouldBe(PackageStatus.Skipped);
        result["hello"].Reason.ShouldBe("dependency libgreet failed");
        result["tool"].Status.ShouldBe(PackageStatus.Built);
        Directory.Exists(Path.Combine(world.StoreDirectory, "libgreet")).ShouldBeFalse();
        result.Summary().ShouldBe("3 packages: 0 cached, 1 built, 1 failed, 1 skipped");
    }

    [Fact(Timeout = 180_000)]
    public async Task A_failing_step_is_named_with_the_log_tail_and_nothing_is_stored()
    {
        var ct = TestContext.Current.CancellationToken;
        using var world = await BuildWorld.CreateAsync(ct);
        using var builder = world.Builder();
        var plan = await builder.PlanAsync(
            world.Recipes(librarySteps: ["make", "echo about to fail; echo 'no such target' >&2; exit 3", "make install"]), ["libgreet"], ct);

        var result = await builder.BuildAsync(plan, ct);

        var outcome = result.Packages.Single();
        outcome.Status.ShouldBe(PackageStatus.Failed);
        outcome.Error.ShouldBe("libgreet: step 2 failed (exit 3): echo about to fail; echo 'no such target' >&2; exit 3");
        outcome.LogTail!.ShouldContain("no such target");
        Directory.Exists(Path.Combine(world.StoreDirectory, "libgreet")).ShouldBeFalse();
        Directory.EnumerateDirectories(Path.Combine(world.Root, "work", "builds")).ShouldBeEmpty();
    }

    [Fact(Timeout = 60_000)]
    public async Task A_tampered_artifact_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        using var world = await BuildWorld.CreateAsync(ct);
        using var builder = world.Builder();
        var plan = await builder.PlanAsync(world.Recipes(), ["tool"], ct);
        (await builder.BuildAsync(plan, ct)).Succeeded.ShouldBeTrue();
        var key = plan["tool"].Key.Key;
        await File.AppendAllTextAsync(Path.Combine(world.StoreDirectory, "tool", key, "artifact.tar.gz"), "x", ct);

        var manifest = (await builder.Store.FindAsync("tool", key, ct))!;
        var e = await Should.ThrowAsync<Store.CorruptArtifactException>(() =>
            builder.Store.UnpackAsync(manifest, Path.Combine(world.Root, "unpacked"), ct));
        e.Message.ShouldContain("the manifest says");
    }

    [Fact(Timeout = 180_000)]
    public async Task A_tampered_dependency_fails_its_dependent_instead_of_the_run()
    {
        var ct = TestContext.Current.CancellationToken;
        using var world = await BuildWorld.CreateAsync(ct);
        using var builder = world.Builder();
        var libraryOnly = await builder.PlanAsync(world.Recipes(), ["libgreet"], ct);
        (await builder.BuildAsync(libraryOnly, ct)).Succeeded.ShouldBeTrue();
        await File.AppendAllTextAsync(
            Path.Combine(world.StoreDirectory, "libgreet", libraryOnly["libgreet"].Key.Key, "artifact.tar.gz"), "x", ct);

        using var next = world.Builder();
        var result = await next.BuildAsync(await next.PlanAsync(world.Recipes(), [], ct), ct);

        result["libgreet"].Status.ShouldBe(PackageStatus.Cached);
        result["hello"].Status.ShouldBe(PackageStatus.Failed);
        result["hello"].Error!.ShouldContain("the manifest says");
        result["tool"].Status.ShouldBe(PackageStatus.Built);
    }

    private static async Task<string> RunHelloAsync(BuildWorld world, PackageBuilder builder, string key, CancellationToken ct)
    {
        var target = Path.Combine(world.Root, "deploy-" + key[..8]);
        await builder.Store.UnpackAsync((await builder.Store.FindAsync("hello", key, ct))!, target, ct);
        var (exit, stdout, stderr) = await ProcessTools.RunAsync(Path.Combine(target, "bin", "hello"), [], ct);
        exit.ShouldBe(0, stderr);
        return stdout;
    }
}
