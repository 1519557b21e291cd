using Slipway.Build.Recipes;
using static Slipway.Build.Tests.Support.Recipes;

namespace Slipway.Build.Tests;

public sealed class BuildGraphTests
{
    [Fact]
    public void Order_puts_dependencies_first_and_keeps_declaration_order_otherwise()
    {
        var graph = BuildGraph.Create(
        [
            Package("app", "libpng", "zlib"),
            Package("libpng", "zlib"),
            Package("tool"),
            Package("zlib"),
        ]);

        graph.Order.Select(r => r.Name).ShouldBe(["zlib", "libpng", "app", "tool"]);
    }

    [Fact]
    public void A_cycle_is_named_in_full()
    {
        var e = Should.Throw<DependencyCycleException>(() => BuildGraph.Create(
        [
            Package("a", "b"),
            Package("b", "c"),
            Package("c", "a"),
            Package("d", "a"),
        ]));

        e.Cycle.ShouldBe(["a", "b", "c", "a"]);
        e.Message.ShouldBe("dependency cycle: a -> b -> c -> a");
    }

    [Fact]
    public void Closure_is_the_selection_and_what_it_needs()
    {
        var graph = BuildGraph.Create([Package("zlib"), Package("libpng", "zlib"), Package("app", "libpng"), Package("tool")]);

        graph.Closure(["libpng"]).Select(r => r.Name).ShouldBe(["zlib", "libpng"]);
        graph.Closure([]).Count.ShouldBe(4);
        Should.Throw<ArgumentException>(() => graph.Closure(["nope"])).Message.ShouldStartWith("unknown package 'nope'");
    }

    [Fact]
    public void Invalid_recipes_are_refused_before_ordering()
    {
        Should.Throw<RecipeValidationException>(() => BuildGraph.Create([Package("a", "ghost")]))
            .Errors.Single().Field.ShouldBe("depends");
    }
}
