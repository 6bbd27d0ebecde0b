using Crynux.Bridge.Models;

namespace Crynux.Bridge.Api;

/// <summary>
/// The model catalog in OpenAI's shapes (models.list and models.retrieve) at the base URLs clients use: /v1 (every
/// model), /v1/llm and /v1/llm/{vram_limit} (LLMs), /v1/sd (image models). No key is needed, as upstream.
/// </summary>
public static class ModelEndpoints
{
    public const string CatalogHeader = "x-crynux-catalog";

    public static void Map(IEndpointRouteBuilder app)
    {
        foreach (var (prefix, type) in new (string, string?)[] { ("/v1", null), ("/v1/llm", "llm"), ("/v1/sd", "sd") })
        {
            app.MapGet(prefix + "/models", (HttpContext http, ModelCatalog catalog) => List(http, catalog, type))
                .WithTags("Models").AddEndpointFilter(NativeErrors.OpenAiFilter).WithSummary($"The {type ?? "model"} catalog (OpenAI models.list)")
                .Produces<Schemas.CatalogModelList>();
            // Model ids hold a '/', so the id is the rest of the path; /v1/models/base and /v1/models/lora are literal and win.
            app.MapGet(prefix + "/models/{**model}", (HttpContext http, ModelCatalog catalog, string model) => Get(http, catalog, type, model))
                .WithTags("Models").AddEndpointFilter(NativeErrors.OpenAiFilter).WithSummary("One model of the catalog (OpenAI models.retrieve)")
                .Produces<Schemas.CatalogModelObject>().Produces<Schemas.OpenAiError>(400).Produces<Schemas.OpenAiError>(404);
        }
        // Agents configured with base_url …/v1/llm/24 list models there too.
        app.MapGet("/v1/llm/{vram_limit}/models", (HttpContext http, ModelCatalog catalog, string vram_limit) =>
            {
                VramLimit.Parse(vram_limit);
                return List(http, catalog, "llm");
            })
            .WithTags("Models").AddEndpointFilter(NativeErrors.OpenAiFilter).WithSummary("The LLM catalog at a VRAM base URL (OpenAI models.list)")
            .Produces<Schemas.CatalogModelList>().Produces<Schemas.OpenAiError>(400);
    }

    private static IResult List(HttpContext http, ModelCatalog catalog, string? type)
    {
        http.Response.Headers[CatalogHeader] = catalog.Snapshot.Source;
        return Results.Json(new { @object = "list", data = catalog.Models(type).Select(Shape) });
    }

    private static IResult Get(HttpContext http, ModelCatalog catalog, string? type, string model)
    {
        // An SDK may send the '/' of the id escaped; ids never hold '%', so unescaping cannot change a valid one.
        var id = Uri.UnescapeDataString(model);
        if (ModelId.Check(id) is { } error)
        {
            throw new ProblemException(Problem.BadRequest("model", error));
        }
        http.Response.Headers[CatalogHeader] = catalog.Snapshot.Source;
        return catalog.Find(id, type) is { } found
            ? Results.Json(Shape(found))
            : throw new ProblemException(ModelProblems.NotFound(id));
    }

    private static object Shape(CatalogModel m) => new
    {
        id = m.Id,
        @object = "model",
        created = 0,
        owned_by = "crynux",
        type = m.Type,
        min_vram = m.MinVram,
        in_memory_node_count = m.InMemoryNodeCount,
        on_disk_node_count = m.OnDiskNodeCount,
        source = m.Source,
        alias_of = m.AliasOf,
    };
}
