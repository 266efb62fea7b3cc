"""One recipe type for the demo, the gallery and the presets: :class:`Recipe`.

A statement-tuning recipe is two things: the training statements (the
arguments of ``datasets_builders.build_multitask``: tasks, languages,
statements per task, the task families held out, or a named preset of
``datasets_builders.PRESETS``) and the tuner's settings (objective, learning
rate, batch size, epochs, token budget). Field names follow the data
builders' (``exclude_families``, ``n_per_task``), so a recipe reads like the
call it makes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

__all__ = ["Recipe", "preset_recipe"]


@dataclass(frozen=True)
class Recipe:
    """A statement-tuning recipe: training statements and tuner settings.

    Attributes
    ----------
    name : str
    tasks : tuple of str
        Training datasets (names of :func:`datasets_builders.load_task`).
    languages : tuple of str
        Languages of ``tasks``.
    n_per_task : int or mapping
        Statements per (task, language), as in ``build_multitask`` (a mapping
        of task -> count, ``"*"`` for the others).
    exclude_families : tuple of str
        Task families left out of training (those of the tasks classified
        zero-shot).
    balance : bool
        ``True``: each example's true statement and one false one, kept in
        the same batch; ``False``: every label's statement of each example.
    mt_languages : tuple of str
        Languages of Tatoeba machine-translation statements (none by default).
    n_mt : int
        MT statements per language.
    preset : str or None
        A name of ``datasets_builders.PRESETS``: the statements are that
        preset's (``build_preset``; ``tasks``, ``languages`` and ``balance``
        are then the preset's own).
    objective, lr, batch_size, max_epochs, max_length, freeze_embeddings
        :class:`~sklearn_statement.StatementTuner` settings.
    bi_encoder : bool
        Also statement-tune the encoder as a bi-encoder
        (:class:`~sklearn_statement.BiEncoderStatementTuner`) on the same
        statements, or on those of ``bi_tasks`` / ``bi_n_per_task`` (their
        ``input`` and ``description`` columns); the classifier is then the
        hybrid of both tuned models.
    bi_tasks : tuple of str
        The bi-encoder's training datasets when they differ from ``tasks``
        (empty, the default: the same statements as the cross-encoder). The
        other statement settings (languages, families held out, pairing,
        machine translation) are shared.
    bi_n_per_task : int, mapping or None
        Statements per (task, language) of the bi-encoder; None: ``n_per_task``.
    bi_lr, bi_max_epochs
        The bi-encoder's learning rate and epochs.
    embedding_weight : float
        Weight of an embedding model's cosine similarity in the hybrid score
        (:class:`~sklearn_statement.ZeroShotStatementClassifier`'s
        ``embedding_weight``): the tuned bi-encoder's when ``bi_encoder``,
        else the untuned encoder's.
    description : str
        One line on what the recipe is for and how it was chosen.

    Raises
    ------
    TypeError
        If a tuple field (``tasks``, ``languages``, ``exclude_families``,
        ``mt_languages``, ``bi_tasks``) is given as one string or None.
    ValueError
        If ``exclude_families`` names an unknown family, or ``bi_tasks`` /
        ``bi_n_per_task`` come with a ``preset`` or without ``bi_encoder``.
    """

    name: str
    tasks: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("en",)
    n_per_task: int | Mapping[str, int] = 1500
    exclude_families: tuple[str, ...] = ()
    balance: bool = True
    mt_languages: tuple[str, ...] = ()
    n_mt: int = 100
    preset: str | None = None
    objective: str = "binary"
    lr: float = 2e-5
    batch_size: int = 32
    max_epochs: int = 3
    max_length: int = 128
    freeze_embeddings: bool = False
    bi_encoder: bool = False
    bi_tasks: tuple[str, ...] = ()
    bi_n_per_task: int | Mapping[str, int] | None = None
    bi_lr: float = 2e-5
    bi_max_epochs: int = 1
    embedding_weight: float = 20.0
    description: str = ""

    def __post_init__(self) -> None:
        from template_registry import list_tasks

        for name in (
            "tasks",
            "languages",
            "exclude_families",
            "mt_languages",
            "bi_tasks",
        ):
            value = getattr(self, name)
            if isinstance(value, str) or value is None:
                raise TypeError(
                    f"{name} must be a tuple of str (() for none), got {value!r}"
                )
            object.__setattr__(self, name, tuple(value))
        if self.bi_separate and self.preset is not None:
            raise ValueError(
                f"recipe {self.name!r}: bi_tasks / bi_n_per_task cannot be combined "
                "with a preset (its statements are the preset's); leave them out"
            )
        if self.bi_separate and not self.bi_encoder:
            raise ValueError(
                f"recipe {self.name!r}: bi_tasks / bi_n_per_task are the bi-encoder's "
                "statements, but bi_encoder is False; set bi_encoder=True or leave "
                "them out"
            )
        families = set(list_tasks().values())  # template_registry: dataset -> family
        unknown = [f for f in self.exclude_families if f not in families]
        if unknown and self.preset is None:
            raise ValueError(
                f"exclude_families {unknown} are not task families; the families are "
                f"{sorted(families)}"
            )

    def _parts(self, data_dir: str | os.PathLike | None, random_state: int) -> list:
        from datasets_builders import build_multitask, build_preset

        if self.preset is not None:
            from datasets_builders import PRESETS

            own = tuple(PRESETS[self.preset].exclude_families)
            main = build_preset(
                self.preset,
                data_dir=data_dir,
                n_per_task=self.n_per_task,
                # the preset's own list is filtered to registered families there
                exclude_families=None
                if self.exclude_families == own
                else self.exclude_families,
                random_state=random_state,
            )
        else:
            main = build_multitask(
                self.tasks,
                languages=self.languages,
                n_per_task=self.n_per_task,
                data_dir=data_dir,
                exclude_families=self.exclude_families,
                random_state=random_state,
                balance=self.balance,
            )
        if not self.mt_languages:
            return [main]
        mt = build_multitask(
            ["tatoeba"],
            languages=self.mt_languages,
            n_per_task=self.n_mt,
            data_dir=data_dir,
            random_state=random_state,
        )
        return [main, mt]

    def table(
        self,
        *,
        data_dir: str | os.PathLike | None,
        random_state: int = 0,
        shuffle: bool = True,
    ) -> Any:
        """The training statements as one table (``build_multitask``'s columns).

        Parameters
        ----------
        data_dir : str, PathLike or None
            Data directory with the layout of ``shared/data``; None: the hub.
        random_state : int, default=0
        shuffle : bool, default=True
            Shuffle the rows (seeded by ``random_state``); else they come in
            ``build_multitask``'s order.

        Returns
        -------
        datasets.Dataset
            ``statement``, ``label`` (1 = true), ``task``, ``family``,
            ``language``, ``template``, ``example_id`` (unique across the
            parts), ``input`` and ``description``: what both tuners read
            (``StatementTuner.fit(table)``, ``BiEncoderStatementTuner.fit(table)``).
        """
        import datasets

        parts, offset = [], 0
        for part in self._parts(data_dir, random_state):
            ids = [int(i) + offset for i in part["example_id"]]
            parts.append(
                part.remove_columns("example_id").add_column("example_id", ids)
            )
            offset = max(parts[-1]["example_id"]) + 1
        table = datasets.concatenate_datasets(parts)
        return table.shuffle(seed=random_state) if shuffle else table

    def statements(
        self,
        *,
        data_dir: str | os.PathLike | None,
        random_state: int = 0,
        shuffle: bool = True,
    ) -> tuple[list[str], list[int], list[int], list[str], list[str]]:
        """The training statements as lists: statements, labels, example ids, tasks, families.

        The columns of :meth:`table` (same arguments).
        """
        table = self.table(
            data_dir=data_dir, random_state=random_state, shuffle=shuffle
        )
        return (
            list(table["statement"]),
            [int(v) for v in table["label"]],
            [int(i) for i in table["example_id"]],
            list(table["task"]),
            list(table["family"]),
        )

    @property
    def bi_separate(self) -> bool:
        """Whether ``bi_tasks`` or ``bi_n_per_task`` is set (the bi-encoder's own statements)."""
        return bool(self.bi_tasks) or self.bi_n_per_task is not None

    def bi_recipe(self) -> Recipe:
        """The recipe whose :meth:`table` the bi-encoder trains on (``bi_recipe().table(...)``).

        Returns
        -------
        Recipe
            ``self`` unless :attr:`bi_separate`; then a copy named
            ``"<name>-bi-encoder"`` with ``bi_tasks`` (or ``tasks``) as its
            ``tasks`` and ``bi_n_per_task`` (or ``n_per_task``) as its
            ``n_per_task``, every other statement setting shared.
        """
        if not self.bi_separate:
            return self
        return replace(
            self,
            name=f"{self.name}-bi-encoder",
            tasks=self.bi_tasks or self.tasks,
            n_per_task=self.n_per_task
            if self.bi_n_per_task is None
            else self.bi_n_per_task,
            bi_tasks=(),
            bi_n_per_task=None,
        )

    def resized(self, n_per_task: int, n_mt: int | None = None) -> Recipe:
        """A copy with ``n_per_task`` statements per task for both models (smoke runs).

        ``bi_n_per_task`` becomes ``n_per_task`` too when it is set, and
        ``n_mt`` replaces the MT count when given.

        Returns
        -------
        Recipe
        """
        return replace(
            self,
            n_per_task=n_per_task,
            n_mt=self.n_mt if n_mt is None else n_mt,
            bi_n_per_task=None if self.bi_n_per_task is None else n_per_task,
        )

    def tuner(self, model: str, **params: Any) -> Any:
        """An unfitted :class:`~sklearn_statement.StatementTuner` with the recipe's settings.

        ``params`` (``device``, ``precision``, ``random_state``, ``verbose``...)
        are passed on and override the recipe's.
        """
        from ..training import StatementTuner

        settings = dict(
            max_length=self.max_length,
            batch_size=self.batch_size,
            max_epochs=self.max_epochs,
            lr=self.lr,
            objective=self.objective,
            freeze_embeddings=self.freeze_embeddings,
        )
        return StatementTuner(model, **{**settings, **params})

    def bi_encoder_tuner(self, model: Any, **params: Any) -> Any:
        """An unfitted :class:`~sklearn_statement.BiEncoderStatementTuner` with the recipe's settings.

        ``params`` (``device``, ``precision``, ``random_state``, ``verbose``...)
        are passed on and override the recipe's.
        """
        from ..training import BiEncoderStatementTuner

        settings = dict(
            max_epochs=self.bi_max_epochs,
            lr=self.bi_lr,
            batch_size=self.batch_size,
            freeze_embeddings=self.freeze_embeddings,
        )
        return BiEncoderStatementTuner(model, **{**settings, **params})


def preset_recipe(name: str, **settings: Any) -> Recipe:
    """The recipe of ``datasets_builders.PRESETS[name]`` (its statements), with tuner ``settings``.

    Raises
    ------
    ValueError
        If ``name`` is not a preset.
    """
    from datasets_builders import PRESETS

    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; presets: {sorted(PRESETS)}")
    preset = PRESETS[name]
    return Recipe(
        name,
        tasks=tuple(preset.tasks),
        n_per_task=preset.n_per_task,
        exclude_families=tuple(preset.exclude_families),
        preset=name,
        **settings,
    )
