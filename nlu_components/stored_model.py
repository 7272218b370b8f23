"""Base of the trained components: a model saved in Rasa's model storage."""

import abc
import logging
from pathlib import Path
from typing import Any, Dict, Protocol, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

from bot.intent_model import ModelFileError

logger = logging.getLogger(__name__)


class SavedModel(Protocol):
    """What a model needs to be stored: ``save(path)`` and ``load(path)``."""

    def save(self, path: Path) -> None:
        ...

    @classmethod
    def load(cls, path: Path) -> "SavedModel":
        ...


class StoredModelComponent(GraphComponent, abc.ABC):
    """A configuration and a model trained by ``train``, kept in one file."""

    @property
    @abc.abstractmethod
    def model_file(self) -> str:
        """The model's file name inside the component's resource."""

    @classmethod
    @abc.abstractmethod
    def model_class(cls) -> Type[SavedModel]:
        """The class whose ``load`` reads the model file."""

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Any = None,
    ) -> None:
        """Creates the component around a trained or untrained model."""
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        """Creates an untrained component (see parent class)."""
        return cls(config, model_storage, resource)

    def _store(self, model: SavedModel) -> Resource:
        """Keeps ``model`` and writes it to the component's resource."""
        self._model = model
        with self._model_storage.write_to(self._resource) as directory:
            model.save(Path(directory) / self.model_file)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> GraphComponent:
        """Loads the trained model; without one, the component does nothing."""
        component = cls(config, model_storage, resource)
        try:
            with model_storage.read_from(resource) as directory:
                component._model = cls.model_class().load(
                    Path(directory) / component.model_file
                )
        except (ValueError, ModelFileError):
            logger.warning("%s has no trained model; it does nothing", cls.__name__)
        return component
