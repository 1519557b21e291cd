using Slipway.Core.Config;
using Slipway.Testing;

namespace Slipway.Core.Tests.Config;

/// <summary><c>build.include</c>: package files beside slipway.yml, bound with their own file, line and column.</summary>
public sealed class BuildIncludeTests
{
    private const string Head = """
        application: mysite
        deploy_to: /srv/mysite
        stages:
          production:
            hosts:
              - { host: web1.example.com, roles: [web] }

        """;

    [Fact]
    public void Included_files_add_packages_after_slipway_ymls_own_in_name_order_with_their_file_and_locations()
    {
        using var dir = new TempDir("slw-include-");
        var file = dir.Write("slipway.yml", Head + """
            build:
              include: [build/*.yml, extra.yml]
              packages:
                app:
                  source: { path: app }
                  depends: [libb]
                  steps: [make]
            """);
        dir.Write("build/b.yml", """
            packages:
              libb:
                source: { git: https://example.org/libb.git, ref: main }
                depends: [liba]
                roles: [web]
                steps: [make, make install]
            """);
        dir.Write("build/a.yml", """
            # the first file by name
            packages:
              liba:
                source: { tarball: https://example.org/a.tgz, sha256: abc }
                steps: [make]
            """);
        dir.Write("extra.yml", "packages:\n  tool: { source: { path: tool }, steps: [make] }\n");
        dir.Write("build/notes.txt", "not yaml, not matched");

        var result = ConfigLoader.Load(file, ConfigFixtures.NoEnvironment);

        result.Succeeded.ShouldBeTrue(string.Join("\n", result.Diagnostics));
        var build = result.Config!.Build!;
        build.Packages.Select(p => p.Name).ShouldBe(["app", "liba", "libb", "tool"]);
        build.Packages[0].File.ShouldBeNull();
        build.Packages[1].File.ShouldBe(dir.File("build/a.yml"));
        build.Packages[1].Location.ShouldBe(new SourceLocation(3, 3));
        build.Packages[2].Roles.ShouldBe(["web"]);
        build.Packages[2].LocationOf("depends").ShouldBe(new SourceLocation(4, 14));
        build.Packages[3].File.ShouldBe(dir.File("extra.yml"));
    }

    [Fact]
    public void Mistakes_in_an_included_file_are_reported_at_its_own_line_and_column()
    {
        using var dir = new TempDir("slw-include-");
        var file = dir.Write("slipway.yml", Head + """
            build:
              include: [build/*.yml, missing.yml, "other/*/x.yml", none/*.yml]
              packages:
                liba: { source: { path: a }, steps: [make] }
            """);
        dir.Write("build/libs.yml", """
            packages:
              liba:
                source: { path: a2 }
                steps: [make]
              libb:
                source: { path: b }
                stepz: [make]
                roles: [db]
            store: elsewhere
            """);

        var result = ConfigLoader.Load(file, ConfigFixtures.NoEnvironment);

        result.Succeeded.ShouldBeFalse();
        var lines = result.Diagnostics.Select(d => d.ToString()).ToList();
        var shown = Path.Combine(dir.Path, "build", "libs.yml");
        lines.ShouldContain($"{file}:8:26: error: build.include[1]: file not found: {dir.File("missing.yml")}");
        lines.ShouldContain($"{file}:8:39: error: build.include[2]: wildcards are allowed in the file name only, got 'other/*/x.yml'");
        lines.ShouldContain($"{file}:8:56: warning: build.include[3]: 'none/*.yml' matches no file");
        lines.ShouldContain($"{shown}:2:3: error: build.packages.liba: package 'liba' is already declared at slipway.yml:10:5");
        lines.ShouldContain(l => l.StartsWith($"{shown}:6:5: error: build.packages.libb.steps: required key is missing", StringComparison.Ordinal));
        lines.ShouldContain($"{shown}:7:5: error: build.packages.libb.stepz: unknown key; did you mean 'steps'?");
        lines.ShouldContain($"{shown}:8:13: error: build.packages.libb.roles[0]: role 'db' is not given to any host; roles given to hosts: web");
        lines.ShouldContain(l => l.StartsWith($"{shown}:9:1: error: build.store: unknown key", StringComparison.Ordinal));
        // slipway.yml's own problems come first, then the included file's in line order.
        lines.IndexOf(lines.First(l => l.StartsWith(shown, StringComparison.Ordinal))).ShouldBeGreaterThan(lines.FindLastIndex(l => l.StartsWith(file + ":", StringComparison.Ordinal)));
    }
}
