using System.Text.Json;
using Slipway.Cli.Tests.Support;
using Slipway.Testing;

namespace Slipway.Cli.Tests;

/// <summary>
/// <c>slipway build</c>, <c>--explain</c>, <c>--dry-run</c>, <c>--json</c> and <c>artifacts diff|gc</c> on a real
/// project: a tiny C library from a git repository the test makes, patched, and a program linking it from a local
/// folder; built with the machine's cc into a store next to slipway.yml.
/// </summary>
public sealed class BuildCommandTests : IDisposable
{
    private const string Patch = "patches/0001-greeting.patch";
    private readonly TempDir _dir = new("slw-build-");

    public void Dispose() => _dir.Dispose();

    [Fact(Timeout = 60_000)]
    public async Task Builds_both_packages_then_finds_them_cached()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = await ProjectAsync("patched", ct);

        var first = await Cli(ct, "build", "-f", file);

        first.ExitCode.ShouldBe(ExitCodes.Success, first.Output);
        first.Stdout.ShouldBe("2 packages: 0 cached (0 local), 2 built, 0 failed\n");
        first.Stderr.ShouldContain("libgreet: building");
        first.Stderr.ShouldContain("hello: built in ");
        Directory.GetDirectories(Path.Combine(_dir.Path, ".slipway", "artifacts")).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).Order()
            .ShouldBe(["hello", "libgreet"]);

        var second = await Cli(ct, "build", "-f", file);

        second.ExitCode.ShouldBe(ExitCodes.Success, second.Output);
        second.Stdout.ShouldBe("2 packages: 2 cached (2 local), 0 built, 0 failed\n");
        second.Stderr.ShouldContain("hello: cached (local)");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_changed_patch_is_named_and_its_dependent_rebuilds_then_diff_and_gc_see_both_keys()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = await ProjectAsync("patched", ct);
        (await Cli(ct, "build", "-f", file)).ExitCode.ShouldBe(ExitCodes.Success);
        var before = Keys(await Cli(ct, "build", "--explain", "--json", "-f", file));
        WritePatch("patched again");

        var explain = await Cli(ct, "build", "--explain", "-f", file);

        explain.ExitCode.ShouldBe(ExitCodes.Success, explain.Output);
        explain.Stdout.ShouldContain("libgreet: will build: patch 0001-greeting.patch changed\n");
        explain.Stdout.ShouldContain("hello: will build: dependency libgreet rebuilt\n");
        explain.Stdout.ShouldEndWith("2 packages: 0 cached (0 local), 2 to build\n");

        var rebuild = await Cli(ct, "build", "-f", file);
        rebuild.Stdout.ShouldBe("2 packages: 0 cached (0 local), 2 built, 0 failed\n", rebuild.Output);
        var after = Keys(await Cli(ct, "build", "--explain", "--json", "-f", file));

        var diff = await Cli(ct, "artifacts", "diff", before["libgreet"][..16], after["libgreet"], "-f", file);
        diff.ExitCode.ShouldBe(ExitCodes.Success, diff.Output);
        diff.Stdout.ShouldContain("patch 0001-greeting.patch changed: ");
        diff.Stdout.ShouldEndWith("1 differing input\n");

        var gc = await Cli(ct, "artifacts", "gc", "--keep", "1", "-f", file);
        gc.ExitCode.ShouldBe(ExitCodes.Success, gc.Output);
        gc.Stdout.ShouldContain($"removed libgreet {before["libgreet"][..12]}");
        gc.Stdout.ShouldContain($"removed hello {before["hello"][..12]}");
        gc.Stdout.ShouldEndWith("2 artifacts removed, keeping the 1 newest of each package\n");
        (await Cli(ct, "build", "-f", file)).Stdout.ShouldBe("2 packages: 2 cached (2 local), 0 built, 0 failed\n");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_failing_step_exits_1_with_the_tail_of_its_log_and_skips_its_dependent()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = await ProjectAsync("patched", ct, failingStep: "echo 'compiler says: greet.c is broken'; exit 3");

        var result = await Cli(ct, "build", "-f", file);

        result.ExitCode.ShouldBe(ExitCodes.CommandFailed, result.Output);
        result.Stdout.ShouldBe("2 packages: 0 cached (0 local), 0 built, 1 failed, 1 skipped\n");
        result.Stderr.ShouldContain("slipway: error: libgreet: step 3 failed (exit 3)");
        result.Stderr.ShouldContain("compiler says: greet.c is broken");
        result.Stderr.ShouldContain("hello: skipped (dependency libgreet failed)");
        Directory.Exists(Path.Combine(_dir.Path, ".slipway", "artifacts", "libgreet")).ShouldBeFalse("a failed build stores nothing");
    }

    [Fact(Timeout = 60_000)]
    public async Task Dry_run_shows_order_keys_and_decisions_and_builds_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = await ProjectAsync("patched", ct);

        var result = await Cli(ct, "build", "--dry-run", "-f", file);

        result.ExitCode.ShouldBe(ExitCodes.Success, result.Output);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(3, result.Stdout);
        lines[0].ShouldMatch(@"^1\. libgreet [0-9a-f]{12} will build: never built$");
        lines[1].ShouldMatch(@"^2\. hello [0-9a-f]{12} will build: never built$");
        lines[2].ShouldBe("2 packages: 0 cached (0 local), 2 to build (dry run: nothing built)");
        Directory.Exists(Path.Combine(_dir.Path, ".slipway", "artifacts")).ShouldBeFalse();
    }

    [Fact(Timeout = 60_000)]
    public async Task Json_gives_one_document_with_a_result_per_package()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = await ProjectAsync("patched", ct, failingStep: "exit 4");

        var failed = await Cli(ct, "build", "--json", "-f", file);

        failed.ExitCode.ShouldBe(ExitCodes.CommandFailed);
        using var doc = JsonDocument.Parse(failed.Stdout);
        var root = doc.RootElement;
        root.GetProperty("ok").GetBoolean().ShouldBeFalse();
        root.GetProperty("summary").GetString().ShouldBe("2 packages: 0 cached (0 local), 0 built, 1 failed, 1 skipped");
        var lib = root.GetProperty("packages")[0];
        lib.GetProperty("name").GetString().ShouldBe("libgreet");
        lib.GetProperty("key").GetString()!.Length.ShouldBe(64);
        lib.GetProperty("status").GetString().ShouldBe("failed");
        lib.GetProperty("reason").GetString().ShouldBe("never built");
        lib.GetProperty("error").GetString()!.ShouldContain("step 3 failed (exit 4)");
        File.Exists(lib.GetProperty("log").GetString()).ShouldBeTrue();
        root.GetProperty("packages")[1].GetProperty("status").GetString().ShouldBe("skipped");

        var plan = await Cli(ct, "build", "--dry-run", "--json", "hello", "-f", file);
        using var planDoc = JsonDocument.Parse(plan.Stdout);
        var hello = planDoc.RootElement.GetProperty("packages")[1];
        hello.GetProperty("decision").GetString().ShouldBe("build");
        hello.GetProperty("depends")[0].GetString().ShouldBe("libgreet");
    }

    [Fact(Timeout = 30_000)]
    public async Task Config_check_names_a_dependency_cycle_and_an_unknown_dependency_at_their_lines()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = _dir.Write("slipway.yml", """
            application: mysite
            deploy_to: /srv/mysite
            stages:
              local:
                hosts: [{ host: localhost, transport: local }]
            build:
              packages:
                a:
                  source: { path: a }
                  steps: [make]
                  depends: [b]
                b:
                  source: { path: b }
                  steps: [make]
                  depends: [a]
            """);

        var cycle = await Cli(ct, "config", "check", "-f", file);

        cycle.ExitCode.ShouldBe(ExitCodes.UsageOrConfig, cycle.Output);
        cycle.Stderr.ShouldContain("slipway.yml:11:17: error: build.packages.a.depends: dependency cycle: a -> b -> a");
        (await Cli(ct, "build", "-f", file)).ExitCode.ShouldBe(ExitCodes.UsageOrConfig);

        await File.WriteAllTextAsync(file, (await File.ReadAllTextAsync(file, ct)).Replace("depends: [a]", "depends: [libnope]", StringComparison.Ordinal), ct);

        var unknown = await Cli(ct, "config", "check", "-f", file);

        unknown.ExitCode.ShouldBe(ExitCodes.UsageOrConfig);
        unknown.Stderr.ShouldContain("slipway.yml:15:17: error: build.packages.b.depends: unknown package 'libnope'");
    }

    [Fact(Timeout = 30_000)]
    public async Task Config_show_prints_the_build_section_with_the_store_resolved()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = await ProjectAsync("patched", ct);

        var show = await Cli(ct, "config", "show", "local", "-f", file);

        show.ExitCode.ShouldBe(ExitCodes.Success, show.Output);
        show.Stdout.ShouldContain("build:\n  packages:\n    libgreet:\n      source:\n        git: ./upstream/libgreet\n        ref: main\n");
        show.Stdout.ShouldContain($"  store: {Path.Combine(_dir.Path, ".slipway", "artifacts")}\n  jobs: 1\n");
        (await Cli(ct, "config", "check", "-f", file)).ExitCode.ShouldBe(ExitCodes.Success);
    }

    private static Task<CliResult> Cli(CancellationToken ct, params string[] args) => CliRunner.RunAsync(args, 100, ct);

    private static Dictionary<string, string> Keys(CliResult explain)
    {
        explain.ExitCode.ShouldBe(ExitCodes.Success, explain.Output);
        using var doc = JsonDocument.Parse(explain.Stdout);
        return doc.RootElement.GetProperty("packages").EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("key").GetString()!);
    }

    /// <summary>
    /// libgreet: a git repository with greet.c, built into a static library; the patch changes its greeting. hello: a
    /// local folder whose program links libgreet and must print the patched greeting.
    /// </summary>
    private async Task<string> ProjectAsync(string greeting, CancellationToken ct, string? failingStep = null)
    {
        var upstream = Path.Combine(_dir.Path, "upstream", "libgreet");
        Directory.CreateDirectory(upstream);
        _dir.Write("upstream/libgreet/greet.h", "const char *greet(void);\n");
        _dir.Write("upstream/libgreet/greet.c", "#include \"greet.h\"\nconst char *greet(void) { return \"hello\"; }\n");
        await GitAsync(upstream, ct, "init", "--quiet", "--initial-branch=main");
        await GitAsync(upstream, ct, "add", "-A");
        await GitAsync(upstream, ct, "-c", "user.name=Test", "-c", "user.email=test@example.org", "commit", "--quiet", "-m", "initial");
        WritePatch(greeting);
        _dir.Write("hello/hello.c", "#include <stdio.h>\n#include <greet.h>\nint main(void) { puts(greet()); return 0; }\n");

        var libSteps = failingStep is null
            ? "[\"cc -c greet.c -o greet.o\", \"ar rcs libgreet.a greet.o\", \"mkdir -p $PREFIX/lib $PREFIX/include && cp libgreet.a $PREFIX/lib/ && cp greet.h $PREFIX/include/\"]"
            : $"[\"cc -c greet.c -o greet.o\", \"ar rcs libgreet.a greet.o\", \"{failingStep.Replace("\"", "\\\"", StringComparison.Ordinal)}\"]";
        return _dir.Write("slipway.yml", $"""
            application: mysite
            deploy_to: /srv/mysite
            stages:
              local:
                hosts: [{"{"} host: localhost, transport: local {"}"}]
            build:
              packages:
                libgreet:
                  source: {"{"} git: ./upstream/libgreet, ref: main {"}"}
                  patches: [{Patch}]
                  steps: {libSteps}
                  tools: [cc]
                hello:
                  source: {"{"} path: hello {"}"}
                  depends: [libgreet]
                  steps:
                    - cc hello.c -o hello -lgreet
                    - ./hello | grep -q '{greeting}'
                    - mkdir -p $PREFIX/bin && cp hello $PREFIX/bin/
            """);
    }

    private void WritePatch(string greeting)
    {
        var patch = $"""
            --- a/greet.c
            +++ b/greet.c
            @@ -1,2 +1,2 @@
             #include "greet.h"
            -const char *greet(void) {"{"} return "hello"; {"}"}
            +const char *greet(void) {"{"} return "{greeting}"; {"}"}

            """;
        _dir.Write(Patch, patch);
    }

    private static async Task GitAsync(string repo, CancellationToken ct, params string[] args)
    {
        var (exit, _, stderr) = await ProcessTools.RunAsync("git", ["-C", repo, .. args], ct);
        exit.ShouldBe(0, $"git {string.Join(' ', args)}: {stderr}");
    }
}
