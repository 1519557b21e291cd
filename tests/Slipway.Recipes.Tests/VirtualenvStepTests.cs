using Slipway.Core.Config;
using Slipway.Deploy.Model;
using Slipway.Testing;

namespace Slipway.Recipes.Tests;

/// <summary>The "django: virtualenv" and "django: pip install" hooks, run by /bin/sh exactly as a deploy sends them.</summary>
public sealed class VirtualenvStepTests : IDisposable
{
    private readonly TempDir _dir = new("slipway-venv");

    [Fact]
    public async Task A_release_with_the_same_requirements_reuses_the_previous_virtualenv_and_it_works()
    {
        var ct = TestContext.Current.CancellationToken;
        Requires.Check(await CanImportAsync("django, ensurepip, venv", ct),
            "python3-venv and python3-django are needed. Fix: bash scripts/deps/recipes.sh", Environment.GetEnvironmentVariable("CI"));
        var config = RecipeExpander.Apply(Sites.Parse($$"""
            application: venvtest
            deploy_to: {{_dir.Path}}
            recipes:
              django: { system_site_packages: true, requirements: requirements.txt, no_index: true, check_deploy: false, migrate: false, collectstatic: false }
            stages: { production: { hosts: [ { host: localhost, transport: local } ] } }

            """));
        var steps = HookPlanner.For(config, HookPoints.AfterUpdate, config.Stages[0].Hosts[0], config.Stages[0].Hosts);
        steps.Select(s => s.Label).ShouldBe([DjangoSteps.VenvLabel, DjangoSteps.PipLabel]);

        (await RunStepsAsync(steps, "r1", null, "Django>=3.2\n", ct)).ShouldContain("Requirement already satisfied: Django");
        var output = await RunStepsAsync(steps, "r2", "r1", "Django>=3.2\n", ct);

        output.ShouldContain("reusing the virtualenv of release r1");
        var r1 = Release("r1") + "/venv";
        var r2 = Release("r2") + "/venv";
        (await PythonAsync(r2, "import sys, django; print(sys.prefix); print(django.__file__)", ct)).ShouldStartWith(r2 + "\n/usr/lib/python3/dist-packages/django");
        (await File.ReadAllTextAsync(r2 + "/bin/pip", ct)).ShouldStartWith("#!" + r2 + "/bin/python");
        (await File.ReadAllTextAsync(r2 + "/pyvenv.cfg", ct)).ShouldNotContain(r1);
        var (pip, pipOut, _) = await ProcessTools.RunAsync(r2 + "/bin/pip", ["--version"], ct);
        pip.ShouldBe(0);
        pipOut.ShouldContain(r2 + "/lib/");
        (await InodeAsync(FirstPy(r1), ct)).ShouldBe(await InodeAsync(FirstPy(r1).Replace(r1, r2, StringComparison.Ordinal), ct),
            "packages are hard-linked, not copied");
        (await PythonAsync(r1, "import sys; print(sys.prefix)", ct)).ShouldBe(r1 + "\n", "the previous release keeps its own virtualenv");

        output = await RunStepsAsync(steps, "r3", "r2", "Django>=3.2\n# changed\n", ct);
        output.ShouldNotContain("reusing");
        File.Exists(Release("r3") + "/venv/.slipway-reused-from").ShouldBeFalse();
    }

    public void Dispose() => _dir.Dispose();

    private string Release(string name) => _dir.Path + "/releases/" + name;

    private async Task<string> RunStepsAsync(IReadOnlyList<HookConfig> steps, string release, string? previous, string requirements, CancellationToken ct)
    {
        var path = Release(release);
        Directory.CreateDirectory(path);
        Directory.CreateDirectory(_dir.Path + "/shared");
        await File.WriteAllTextAsync(path + "/requirements.txt", requirements, ct);
        var script = string.Join("\n", [
            "set -e", "export SLIPWAY_DEPLOY_TO=" + _dir.Path, "export SLIPWAY_SHARED_PATH=" + _dir.Path + "/shared",
            "export SLIPWAY_RELEASE=" + release, "export SLIPWAY_RELEASE_PATH=" + path,
            "export SLIPWAY_PREVIOUS_RELEASE=" + previous, "export SLIPWAY_PREVIOUS_RELEASE_PATH=" + (previous is null ? "" : Release(previous)),
            "cd " + path,
            .. steps.Select(s => "/bin/sh -c " + Core.Shell.ShellQuote.Quote(s.Run)),
        ]);
        var (code, stdout, stderr) = await ProcessTools.RunAsync("/bin/sh", ["-c", script], ct);
        code.ShouldBe(0, stdout + stderr);
        return stdout + stderr;
    }

    private static async Task<string> PythonAsync(string venv, string code, CancellationToken ct)
    {
        var (exit, stdout, stderr) = await ProcessTools.RunAsync(venv + "/bin/python", ["-c", code], ct);
        exit.ShouldBe(0, stderr);
        return stdout;
    }

    private static string FirstPy(string venv) =>
        Directory.EnumerateFiles(venv + "/lib", "*.py", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();

    private static async Task<string> InodeAsync(string path, CancellationToken ct) =>
        (await ProcessTools.RunAsync("stat", ["-c", "%i", path], ct)).Stdout.Trim();

    internal static async Task<bool> CanImportAsync(string modules, CancellationToken ct) =>
        File.Exists("/usr/bin/python3") && (await ProcessTools.RunAsync("/usr/bin/python3", ["-c", "import " + modules], ct)).ExitCode == 0;
}
