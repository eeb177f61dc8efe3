"""``numtorch.vision.datasets``: torchvision's datasets with the same folder layouts."""

from .cifar import CIFAR10, CIFAR100
from .digits import Digits
from .fakedata import FakeData
from .folder import DatasetFolder, ImageFolder
from .mnist import EMNIST, KMNIST, MNIST, FashionMNIST
from .vision import VisionDataset

__all__ = ["CIFAR10", "CIFAR100", "DatasetFolder", "Digits", "EMNIST", "FakeData",
           "FashionMNIST", "ImageFolder", "KMNIST", "MNIST", "VisionDataset"]
