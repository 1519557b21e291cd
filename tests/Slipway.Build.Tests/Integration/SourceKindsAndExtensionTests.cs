using Slipway.Build.Building;
using Slipway.Build.Recipes;
using Slipway.Build.Tests.Support;
using Slipway.Testing;

namespace Slipway.Build.Tests.Integration;

public sealed class SourceKindsAndExtensionTests
{
    private const string PythonConfig = "/usr/bin/python3-config";
    private const string Python = "/usr/bin/python3";

    [Fact(Timeout = 180_000)]
    public async Task A_python_c_extension_builds_against_the_patched_library_and_rebuilds_with_it()
    {
        var ct = TestContext.Current.CancellationToken;
        Requires.Check(File.Exists(PythonConfig), "Python headers are needed. Fix: apt-get install -y python3-dev",
            Environment.GetEnvironmentVariable("CI"));
        using var world = await BuildWorld.CreateAsync(ct);
        var extension = await GitRepo.CreateAsync(Path.Combine(world.Root, "pygreet"), CProjects.PythonExtension, ct);
        PackageRecipe pygreet = new()
        {
            Name = "pygreet",
            Source = SourceSpec.Git(extension.Path, "main"),
            Steps =
            [
                "mkdir -p $PREFIX/python",
                $"gcc -shared -fPIC $({PythonConfig} --includes) greetmod.c -L$LIBGREET_PREFIX/lib -lgreet " +
                $"-o $PREFIX/python/greetmod$({PythonConfig} --extension-suffix)",
            ],
            Depends = ["libgreet"],
            Tools = [PythonConfig],
        };
        using var builder = world.Builder();
        var plan = await builder.PlanAsync([.. world.Recipes(), pygreet], ["pygreet"], ct);
        var result = await builder.BuildAsync(plan, ct);
        result.Succeeded.ShouldBeTrue(string.Join('\n', result.Packages.Select(p => p.Error + p.LogTail)));

        (await ImportAsync(world, builder, plan["pygreet"].Key.Key, ct)).ShouldBe("HELLO\n");

        await world.WritePatchAsync("Bonjour", ct);
        using var next = world.Builder();
        var changed = await next.PlanAsync([.. world.Recipes(), pygreet], ["pygreet"], ct);
        changed["pygreet"].Reason.ShouldBe("dependency libgreet rebuilt");
        (await next.BuildAsync(changed, ct)).Succeeded.ShouldBeTrue();
        (await ImportAsync(world, next, changed["pygreet"].Key.Key, ct)).ShouldBe("Bonjour\n");
    }

    [Fact(Timeout = 180_000)]
    public async Task Tarball_and_local_sources_build_and_their_identity_is_their_content()
    {
        var ct = TestContext.Current.CancellationToken;
        using var world = await BuildWorld.CreateAsync(ct);
        var tarball = Path.Combine(world.Root, "tool-1.0.tar.gz");
        await world.Tool.GitAsync(ct, "archive", "--prefix=tool-1.0/", "-o", tarball, "HEAD");
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(tarball, ct)));
        PackageRecipe fromTarball = new() { Name = "tool-tar", Source = SourceSpec.Tarball(tarball, sha), Steps = ["make", "make install"] };
        PackageRecipe fromFolder = new() { Name = "tool-dir", Source = SourceSpec.LocalPath(world.Tool.Path), Steps = ["make", "make install"] };
        using var builder = world.Builder();

        var plan = await builder.PlanAsync([fromTarball, fromFolder], [], ct);
        var result = await builder.BuildAsync(plan, ct);

        result.Succeeded.ShouldBeTrue(string.Join('\n', result.Packages.Select(p => p.Error + p.LogTail)));
        plan["tool-tar"].Key.Inputs[0].Value.ShouldBe("tarball sha256:" + sha);
        plan["tool-dir"].Key.Inputs[0].Value.ShouldStartWith("local tree:");
        (await builder.Store.FindAsync("tool-tar", plan["tool-tar"].Key.Key, ct))!.Files.Select(f => f.Path).ShouldBe(["bin/tool"]);

        // Touching a file changes nothing; changing its content is a new local tree.
        File.SetLastWriteTimeUtc(Path.Combine(world.Tool.Path, "tool.c"), DateTime.UtcNow.AddDays(1));
        using var touched = world.Builder();
        (await touched.PlanAsync([fromTarball, fromFolder], [], ct)).Packages.ShouldAllBe(p => !p.MustBuild);
        await File.AppendAllTextAsync(Path.Combine(world.Tool.Path, "tool.c"), "/* edited */\n", ct);
        using var edited = world.Builder();
        (await edited.PlanAsync([fromTarball, fromFolder], [], ct))["tool-dir"].Reason.ShouldBe("local source changed");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_tarball_with_the_wrong_hash_fails_the_package()
    {
        var ct = TestContext.Current.CancellationToken;
        using var world = await BuildWorld.CreateAsync(ct);
        var tarball = Path.Combine(world.Root, "tool.tar.gz");
        await world.Tool.GitAsync(ct, "archive", "-o", tarball, "HEAD");
        PackageRecipe recipe = new() { Name = "tool", Source = SourceSpec.Tarball(tarball, new string('0', 64)), Steps = ["make"] };
        using var builder = world.Builder();

        var result = await builder.BuildAsync(await builder.PlanAsync([recipe], [], ct), ct);

        result["tool"].Status.ShouldBe(PackageStatus.Failed);
        result["tool"].Error!.ShouldContain("the recipe says 0000000000");
    }

    [Fact(Timeout = 60_000)]
    public async Task Planning_refuses_a_cycle_and_a_foreign_platform()
    {
        var ct = TestContext.Current.CancellationToken;
        using var world = await BuildWorld.CreateAsync(ct);
        using var builder = world.Builder();
        var recipes = world.Recipes();

        var cycle = await Should.ThrowAsync<DependencyCycleException>(() => builder.PlanAsync(
            [recipes[0] with { Depends = ["hello"] }, recipes[1], recipes[2]], [], ct));
        cycle.Message.ShouldBe("dependency cycle: libgreet -> hello -> libgreet");
        var foreign = await Should.ThrowAsync<BuildStepException>(() => builder.PlanAsync(
            [recipes[2] with { Platform = "plan9-mips" }], [], ct));
        foreign.Message.ShouldStartWith("tool: targets plan9-mips, this machine is linux-");
    }

    [Fact(Timeout = 60_000)]
    public async Task Independent_packages_build_at_the_same_time()
    {
        var ct = TestContext.Current.CancellationToken;
        using var world = await BuildWorld.CreateAsync(ct);
        var marks = Path.Combine(world.Root, "marks");
        Directory.CreateDirectory(marks);
        // Each step waits (bounded, 10 s) for the other's mark: both succeed only if they run side by side.
        PackageRecipe Waiting(string me, string other) => new()
        {
            Name = me,
            Source = SourceSpec.LocalPath(world.Tool.Path),
            Env = new Dictionary<string, string> { ["MARKS"] = marks },
            Steps = [$"touch $MARKS/{me}; for i in $(seq 200); do [ -f $MARKS/{other} ] && exit 0; sleep 0.05; done; exit 1"],
        };
        using var builder = world.Builder();

        var result = await builder.BuildAsync(await builder.PlanAsync([Waiting("a", "b"), Waiting("b", "a")], [], ct), ct);

        result.Summary().ShouldBe("2 packages: 0 cached, 2 built, 0 failed");
    }

    private static async Task<string> ImportAsync(BuildWorld world, PackageBuilder builder, string key, CancellationToken ct)
    {
        var target = Path.Combine(world.Root, "site-" + key[..8]);
        await builder.Store.UnpackAsync((await builder.Store.FindAsync("pygreet", key, ct))!, target, ct);
        var (exit, stdout, stderr) = await ProcessTools.RunAsync(Python,
            ["-c", $"import sys; sys.path.insert(0, '{target}/python'); import greetmod; print(greetmod.greet())"], ct);
        exit.ShouldBe(0, stderr);
        return stdout;
    }
}
